/**
 * The factory registry: every factory of a set, by the name `ctx.factories`
 * gives it, with its model's definition, its ModelFactory subclass and the
 * defaults that tell two factories of one model apart (learner and admin).
 *
 * Why one object: whatever names a factory (a definition's parents, a trait's
 * `createWith`, the baseline seed's steps) takes a `FactoryName`, a key of
 * this object, and the row types that go with a name come from its
 * definition, so a misspelt name or a wrong-typed override is a compile error
 * instead of a runtime one. What a model is (its rows, parents and unique
 * keys) stays in its file in models/, so a new model is that file and one
 * line here; `Factories`, the writes and errors.ts follow from them.
 */
import type { DeepPartial } from 'fishery';
import type { ModelDefinition } from './model-definition.ts';
import type { ModelFactory, ModelState } from './model-factory.ts';
import { AuditLogFactory, auditLogDefinition } from './models/audit-log.ts';
import { ContentChunkFactory, contentChunkDefinition } from './models/content-chunk.ts';
import { GeneratedAssetFactory, generatedAssetDefinition } from './models/generated-asset.ts';
import { InteractionFactory, interactionDefinition } from './models/interaction.ts';
import { LearningSessionFactory, learningSessionDefinition } from './models/learning-session.ts';
import { ProgressMetricFactory, progressMetricDefinition } from './models/progress-metric.ts';
import { StudyMaterialFactory, studyMaterialDefinition } from './models/study-material.ts';
import { UserFactory, userDefinition } from './models/user.ts';
import { UserFeedbackFactory, userFeedbackDefinition } from './models/user-feedback.ts';

/** One factory of the registry: its model, its class, and defaults for every row it builds. */
export interface RegistryEntry<Row, Rec, Transient, Factory> {
  readonly definition: ModelDefinition<Row, Rec, Transient>;
  readonly Factory: new (state: ModelState<Row, Rec, Transient>) => Factory;
  readonly defaults: DeepPartial<Row> | undefined;
}

/** An entry, its type parameters inferred from the definition and checked against the class. */
function entry<
  Row extends { id: string },
  Rec extends { id: string },
  Transient,
  Factory extends ModelFactory<Row, Rec, Transient>,
>(
  definition: ModelDefinition<Row, Rec, Transient>,
  Factory: new (state: ModelState<Row, Rec, Transient>) => Factory,
  defaults?: DeepPartial<Row>,
): RegistryEntry<Row, Rec, Transient, Factory> {
  return { definition, Factory, defaults };
}

/** Every factory of a set, by name. */
export const FACTORY_REGISTRY = {
  learner: entry(userDefinition, UserFactory, { role: 'LEARNER' }),
  admin: entry(userDefinition, UserFactory, { role: 'ADMIN' }),
  studyMaterial: entry(studyMaterialDefinition, StudyMaterialFactory),
  contentChunk: entry(contentChunkDefinition, ContentChunkFactory),
  generatedAsset: entry(generatedAssetDefinition, GeneratedAssetFactory),
  learningSession: entry(learningSessionDefinition, LearningSessionFactory),
  interaction: entry(interactionDefinition, InteractionFactory),
  userFeedback: entry(userFeedbackDefinition, UserFeedbackFactory),
  progressMetric: entry(progressMetricDefinition, ProgressMetricFactory),
  auditLog: entry(auditLogDefinition, AuditLogFactory),
};

type Registry = typeof FACTORY_REGISTRY;

/** A factory's name in a set: `learner`, `studyMaterial`, … */
export type FactoryName = keyof Registry;

/** The registry's names, in its order. */
export const FACTORY_NAMES: readonly FactoryName[] = Object.keys(FACTORY_REGISTRY).filter(
  (name): name is FactoryName => name in FACTORY_REGISTRY,
);

// What each name builds, stores, derives from and is, read off its entry. Kept as maps over the names (not
// one conditional per use) so that `Entries[N]` below is known to be `RegistryEntry<RowOf<N>, …>`.
type RowMap = {
  [N in FactoryName]: Registry[N] extends RegistryEntry<infer Row extends { id: string }, infer _R, infer _T, infer _F>
    ? Row
    : never;
};
type RecMap = {
  [N in FactoryName]: Registry[N] extends RegistryEntry<infer _W, infer Rec extends { id: string }, infer _T, infer _F>
    ? Rec
    : never;
};
type TransientMap = {
  [N in FactoryName]: Registry[N] extends RegistryEntry<infer _W, infer _R, infer Transient, infer _F>
    ? Transient
    : never;
};
type FactoryMap = {
  [N in FactoryName]: Registry[N] extends RegistryEntry<infer _W, infer _R, infer _T, infer Factory> ? Factory : never;
};

/** What the factory `N` builds: its row, as `build` returns it and an override names its fields. */
export type RowOf<N extends FactoryName> = RowMap[N];
/** What the factory `N`'s `create` returns: the record as PostgreSQL stored it. */
export type RecordOf<N extends FactoryName> = RecMap[N];
/** The values the factory `N` derives from but does not store. */
export type TransientOf<N extends FactoryName> = TransientMap[N];
/** The class of the factory `N`: its traits are its methods. */
export type FactoryOf<N extends FactoryName> = FactoryMap[N];
/** The state of the factory `N` in a set. */
export type StateOf<N extends FactoryName> = ModelState<RowOf<N>, RecordOf<N>, TransientOf<N>>;

type Entries = {
  readonly [N in FactoryName]: RegistryEntry<RowOf<N>, RecordOf<N>, TransientOf<N>, FactoryOf<N>>;
};

/** The entry of the factory `name`, typed by the name (the registry itself is typed as a whole). */
export function registryEntry<N extends FactoryName>(name: N): Entries[N] {
  const entries: Entries = FACTORY_REGISTRY;
  return entries[name];
}
