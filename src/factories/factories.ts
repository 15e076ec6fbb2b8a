/**
 * `createFactories(prisma)`: one factory per model, bound to a client, drawing
 * from a data scope. The factories of one scope share their sequences with
 * the root `build*` functions and with every trait or `params()` copy, so no
 * two of them ever hand out the same unique value.
 */
import { Factory } from 'fishery';
import { schemaOfClient } from '../client/create-prisma-client.ts';
import { checkOptions } from '../config/option-values.ts';
import { currentDataScope, DataScope } from './data-scope.ts';
import type { FactoryBinding, FactoryClient, FactoryState, ModelDefinition, ModelFactory } from './model-factory.ts';
import { AuditLogFactory, auditLogDefinition } from './models/audit-log.ts';
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

/** Options of `createFactories`. */
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

/** Each factory's state, by the name `Factories` gives the factory: what the package's own writes work on. */
export type FactoryStates = { readonly [Name in keyof Factories]: FactoryStateOf<Factories[Name]> };

type FactoryStateOf<F> =
  F extends ModelFactory<infer Row, infer Rec, infer Transient> ? FactoryState<Row, Rec, Transient> : never;

/** A set of factories and their states: the factories for users, the states for the baseline seed's upsert. */
export interface FactorySet {
  readonly factories: Factories;
  readonly states: FactoryStates;
}

function makeFactorySet(scope: DataScope, client: FactoryClient | undefined, schema?: string): FactorySet {
  const binding: FactoryBinding = {
    scope,
    client,
    schema,
    sibling: (name) =>
      states[name as keyof Factories] as unknown as FactoryState<{ id: string }, { id: string }, object>,
  };
  const state = <Row, Rec, Transient>(
    name: string,
    definition: ModelDefinition<Row, Rec, Transient>,
  ): FactoryState<Row, Rec, Transient> => ({
    name,
    definition,
    fishery: fisheryFor(scope, definition),
    binding,
    afterInsert: [],
  });
  const users = state('learner', userDefinition);
  const states: FactoryStates = {
    learner: { ...users, fishery: users.fishery.params({ role: 'LEARNER' }) },
    admin: { ...users, name: 'admin', fishery: users.fishery.params({ role: 'ADMIN' }) },
    studyMaterial: state('studyMaterial', studyMaterialDefinition),
    contentChunk: state('contentChunk', contentChunkDefinition),
    generatedAsset: state('generatedAsset', generatedAssetDefinition),
    learningSession: state('learningSession', learningSessionDefinition),
    interaction: state('interaction', interactionDefinition),
    userFeedback: state('userFeedback', userFeedbackDefinition),
    progressMetric: state('progressMetric', progressMetricDefinition),
    auditLog: state('auditLog', auditLogDefinition),
  };
  const factories: Factories = {
    learner: new UserFactory(states.learner),
    admin: new UserFactory(states.admin),
    studyMaterial: new StudyMaterialFactory(states.studyMaterial),
    contentChunk: new ContentChunkFactory(states.contentChunk),
    generatedAsset: new GeneratedAssetFactory(states.generatedAsset),
    learningSession: new LearningSessionFactory(states.learningSession),
    interaction: new InteractionFactory(states.interaction),
    userFeedback: new UserFeedbackFactory(states.userFeedback),
    progressMetric: new ProgressMetricFactory(states.progressMetric),
    auditLog: new AuditLogFactory(states.auditLog),
  };
  return { factories, states };
}

/**
 * Factories that create through `client` (a PrismaClient, or a transaction's client).
 *
 * @example
 * const factories = createFactories(prisma);
 * const learner = await factories.learner.withSessions(2, { status: 'COMPLETED' }).create();
 */
export function createFactories(client: FactoryClient, options: CreateFactoriesOptions = {}): Factories {
  return createFactorySet(client, options).factories;
}

/** `createFactories`, with the factories' states beside them (for the baseline seed's upsert). */
export function createFactorySet(client: FactoryClient, options: CreateFactoriesOptions = {}): FactorySet {
  checkOptions('createFactories', options, { seed: 'string', schema: 'string' });
  const scope = options.seed === undefined ? currentDataScope() : new DataScope(options.seed);
  return makeFactorySet(scope, client, options.schema ?? schemaOfClient(client));
}

/** The scope's build-only factories, behind `buildLearner()` and friends. */
export function buildOnlyFactories(scope: DataScope = currentDataScope()): Factories {
  let factories = scope.memo.get('build-only') as Factories | undefined;
  if (!factories) {
    factories = makeFactorySet(scope, undefined).factories;
    scope.memo.set('build-only', factories);
  }
  return factories;
}
