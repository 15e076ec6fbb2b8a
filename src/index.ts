/**
 * `@ctoprojects/fixtures`: the CTOProjects data model and what test suites need of it.
 */
export {
  type CreatePrismaClientOptions,
  createPrismaClient,
  type PoolSettings,
  poolSettings,
} from './client/create-prisma-client.ts';
export { ConfigurationError, DatabaseUrlError, redactPasswords } from './config/database-url.ts';
export * from './factories/index.ts';
export type {
  AuditLog,
  ContentChunk,
  GeneratedAsset,
  Interaction,
  LearningSession,
  ProgressMetric,
  StudyMaterial,
  User,
  UserFeedback,
} from './generated/prisma/client.ts';
export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export * from './generated/prisma/enums.ts';
export type * from './generated/prisma/models.ts';
export {
  type DatabaseContext,
  type Isolation,
  LeftoverConnectionsError,
  type WithDatabaseOptions,
  withDatabase,
} from './harness/with-database.ts';
export {
  BASELINE_EMAILS,
  BASELINE_IDS,
  type SeedBaselineOptions,
  type SeedSummary,
  seedBaseline,
} from './seed/baseline.ts';
export { DatabaseNotMigratedError } from './seed/migrated.ts';
