/** The factories' public surface; re-exported by the package root. */
export {
  buildAdmin,
  buildAuditLog,
  buildContentChunk,
  buildGeneratedAsset,
  buildInteraction,
  buildLearner,
  buildLearningSession,
  buildProgressMetric,
  buildStudyMaterial,
  buildUserFeedback,
} from './build.ts';
export { currentDataScope, DataScope, enterDataScope, seedFor } from './data-scope.ts';
export { FactoryError } from './errors.ts';
export { type CreateFactoriesOptions, createFactories, type Factories } from './factories.ts';
export type { BuildOptions, FactoryClient, ModelFactory } from './model-factory.ts';
export type { AuditLogRow } from './models/audit-log.ts';
export type { ContentChunkRow } from './models/content-chunk.ts';
export type { GeneratedAssetRow } from './models/generated-asset.ts';
export type { InteractionRow } from './models/interaction.ts';
export type { LearningSessionRow, LearningSessionTransient } from './models/learning-session.ts';
export type { ProgressMetricRow } from './models/progress-metric.ts';
export type { StudyMaterialRow } from './models/study-material.ts';
export type { SessionsOptions, UserRow, UserTransient } from './models/user.ts';
export type { UserFeedbackRow } from './models/user-feedback.ts';
export { factoryProfile, formatFactoryProfile } from './profile.ts';
