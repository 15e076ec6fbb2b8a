/**
 * `buildLearner()` and friends: plain, valid rows that touch no database,
 * from the current test's data scope (so they never repeat a unique value
 * that `ctx.factories` hands out in the same test). A row of a model without
 * required parents (users, audit logs) can go to `prisma.<model>.create({ data })`
 * as it is; the others carry parent ids that exist only once you create them.
 */
import type { DeepPartial } from 'fishery';
import { buildOnlyFactories } from './factories.ts';
import type { BuildOptions } from './model-factory.ts';
import type { AuditLogRow } from './models/audit-log.ts';
import type { ContentChunkRow } from './models/content-chunk.ts';
import type { GeneratedAssetRow } from './models/generated-asset.ts';
import type { InteractionRow } from './models/interaction.ts';
import type { LearningSessionRow, LearningSessionTransient } from './models/learning-session.ts';
import type { ProgressMetricRow } from './models/progress-metric.ts';
import type { StudyMaterialRow } from './models/study-material.ts';
import type { UserRow, UserTransient } from './models/user.ts';
import type { UserFeedbackRow } from './models/user-feedback.ts';

/**
 * A learner (role LEARNER) with a unique email.
 *
 * @example
 * const ada = buildLearner({ displayName: 'Ada' });
 * await prisma.user.create({ data: ada });
 */
export const buildLearner = (overrides?: DeepPartial<UserRow>, options?: BuildOptions<UserTransient>): UserRow =>
  buildOnlyFactories().learner.build(overrides, options);

/** An admin (role ADMIN) with a unique email. */
export const buildAdmin = (overrides?: DeepPartial<UserRow>, options?: BuildOptions<UserTransient>): UserRow =>
  buildOnlyFactories().admin.build(overrides, options);

/** A READY study material from a text source. */
export const buildStudyMaterial = (overrides?: DeepPartial<StudyMaterialRow>): StudyMaterialRow =>
  buildOnlyFactories().studyMaterial.build(overrides);

/** A content chunk with an ordinal unique in the test. */
export const buildContentChunk = (overrides?: DeepPartial<ContentChunkRow>): ContentChunkRow =>
  buildOnlyFactories().contentChunk.build(overrides);

/** A generated flashcard (or another `kind`, with the payload of that kind). */
export const buildGeneratedAsset = (overrides?: DeepPartial<GeneratedAssetRow>): GeneratedAssetRow =>
  buildOnlyFactories().generatedAsset.build(overrides);

/** An ACTIVE learning session (or another `status`, with a consistent end and score). */
export const buildLearningSession = (
  overrides?: DeepPartial<LearningSessionRow>,
  options?: BuildOptions<LearningSessionTransient>,
): LearningSessionRow => buildOnlyFactories().learningSession.build(overrides, options);

/** A VIEW_CHUNK interaction (or another `type`). */
export const buildInteraction = (overrides?: DeepPartial<InteractionRow>): InteractionRow =>
  buildOnlyFactories().interaction.build(overrides);

/** A rating of 1–5 with a comment. */
export const buildUserFeedback = (overrides?: DeepPartial<UserFeedbackRow>): UserFeedbackRow =>
  buildOnlyFactories().userFeedback.build(overrides);

/** A progress metric with a value in [0, 1]. */
export const buildProgressMetric = (overrides?: DeepPartial<ProgressMetricRow>): ProgressMetricRow =>
  buildOnlyFactories().progressMetric.build(overrides);

/** An audit log entry with no actor (pass `actorId` for one). */
export const buildAuditLog = (overrides?: DeepPartial<AuditLogRow>): AuditLogRow =>
  buildOnlyFactories().auditLog.build(overrides);
