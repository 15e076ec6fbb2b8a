/**
 * `createFactories(prisma)`: one factory per model, bound to a client, drawing
 * from a data scope. The factories of one scope share their sequences with
 * the root `build*` functions and with every trait or `params()` copy, so no
 * two of them ever hand out the same unique value.
 */
import { Factory } from 'fishery';
import { schemaOfClient } from '../client/create-prisma-client.ts';
import { currentDataScope, DataScope } from './data-scope.ts';
import type { FactoryBinding, FactoryClient, ModelDefinition, ModelFactory } from './model-factory.ts';
import { AuditLogFactory, type AuditLogRow, auditLogDefinition } from './models/audit-log.ts';
import { ContentChunkFactory, contentChunkDefinition } from './models/content-chunk.ts';
import { GeneratedAssetFactory, generatedAssetDefinition } from './models/generated-asset.ts';
import { InteractionFactory, interactionDefinition } from './models/interaction.ts';
import { LearningSessionFactory, learningSessionDefinition } from './models/learning-session.ts';
import { ProgressMetricFactory, progressMetricDefinition } from './models/progress-metric.ts';
import { StudyMaterialFactory, studyMaterialDefinition } from './models/study-material.ts';
import { UserFactory, userDefinition } from './models/user.ts';
import { UserFeedbackFactory, userFeedbackDefinition } from './models/user-feedback.ts';

/** The factories of one client, as `ctx.factories` hands them out. */
export interface Factories {
  readonly learner: UserFactory;
  readonly admin: UserFactory;
  readonly studyMaterial: StudyMaterialFactory;
  readonly contentChunk: ContentChunkFactory;
  readonly generatedAsset: GeneratedAssetFactory;
  readonly learningSession: LearningSessionFactory;
  readonly interaction: InteractionFactory;
  readonly userFeedback: UserFeedbackFactory;
  readonly progressMetric: ProgressMetricFactory;
  readonly auditLog: AuditLogFactory;
}

export interface CreateFactoriesOptions {
  /**
   * The seed every value derives from. By default the current test's (the
   * `db` fixture sets it from the test's file and name), else FIXTURES_SEED.
   */
  readonly seed?: string;
  /**
   * The PostgreSQL schema the client works in, for the factories' bulk
   * INSERTs. Known by itself for clients from `createPrismaClient` and the
   * harness; otherwise the connection's search_path decides.
   */
  readonly schema?: string;
}

/** fishery factories of one scope, by definition key: one sequence per key. */
function fisheryFactories(scope: DataScope): Map<string, Factory<unknown, unknown>> {
  const memo = scope.memo.get('fishery') as Map<string, Factory<unknown, unknown>> | undefined;
  if (memo) return memo;
  const made = new Map<string, Factory<unknown, unknown>>();
  scope.memo.set('fishery', made);
  return made;
}

function fisheryFor<Row, Rec, Transient>(
  scope: DataScope,
  definition: ModelDefinition<Row, Rec, Transient>,
): Factory<Row, Transient> {
  const made = fisheryFactories(scope);
  let factory = made.get(definition.key) as Factory<Row, Transient> | undefined;
  if (!factory) {
    factory = Factory.define<Row, Transient>(({ sequence, params, transientParams }) =>
      definition.generate(scope.record(definition.key, sequence), params, transientParams),
    );
    made.set(definition.key, factory as Factory<unknown, unknown>);
  }
  return factory;
}

function makeFactories(scope: DataScope, client: FactoryClient | undefined, schema?: string): Factories {
  const binding: FactoryBinding = {
    scope,
    client,
    schema,
    sibling: (name) =>
      factories[name as keyof Factories] as unknown as ModelFactory<{ id: string }, { id: string }, object>,
  };
  const state = <Row, Rec, Transient>(name: string, definition: ModelDefinition<Row, Rec, Transient>) => ({
    name,
    definition,
    fishery: fisheryFor(scope, definition),
    binding,
    afterInsert: [],
  });
  const users = state('learner', userDefinition);
  const factories: Factories = {
    learner: new UserFactory({ ...users, fishery: users.fishery.params({ role: 'LEARNER' }) }),
    admin: new UserFactory({ ...users, name: 'admin', fishery: users.fishery.params({ role: 'ADMIN' }) }),
    studyMaterial: new StudyMaterialFactory(state('studyMaterial', studyMaterialDefinition)),
    contentChunk: new ContentChunkFactory(state('contentChunk', contentChunkDefinition)),
    generatedAsset: new GeneratedAssetFactory(state('generatedAsset', generatedAssetDefinition)),
    learningSession: new LearningSessionFactory(state('learningSession', learningSessionDefinition)),
    interaction: new InteractionFactory(state('interaction', interactionDefinition)),
    userFeedback: new UserFeedbackFactory(state('userFeedback', userFeedbackDefinition)),
    progressMetric: new ProgressMetricFactory(state('progressMetric', progressMetricDefinition)),
    auditLog: new AuditLogFactory(state<AuditLogRow, unknown, object>('auditLog', auditLogDefinition) as never),
  };
  return factories;
}

/**
 * Factories that create through `client` (a PrismaClient, or a transaction's client).
 *
 * @example
 * const factories = createFactories(prisma);
 * const learner = await factories.learner.withSessions(2, { status: 'COMPLETED' }).create();
 */
export function createFactories(client: FactoryClient, options: CreateFactoriesOptions = {}): Factories {
  const scope = options.seed === undefined ? currentDataScope() : new DataScope(options.seed);
  return makeFactories(scope, client, options.schema ?? schemaOfClient(client));
}

/** The scope's build-only factories, behind `buildLearner()` and friends. */
export function buildOnlyFactories(scope: DataScope = currentDataScope()): Factories {
  let factories = scope.memo.get('build-only') as Factories | undefined;
  if (!factories) {
    factories = makeFactories(scope, undefined);
    scope.memo.set('build-only', factories);
  }
  return factories;
}
