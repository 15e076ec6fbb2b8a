/** The factories' public surface, re-exported as a whole by the package root: only what users call. */
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
