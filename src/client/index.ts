/**
 * `@ctoprojects/fixtures/client`: the data layer alone, for the application
 * itself. It loads the Prisma Client and its adapter, and none of the test
 * tooling (faker, fishery, the harness, Vitest), so production code may
 * import it.
 *
 * @example
 * import { createPrismaClient } from '@ctoprojects/fixtures/client';
 *
 * const prisma = createPrismaClient(); // DATABASE_URL
 * const learners = await prisma.user.findMany({ where: { role: 'LEARNER' } });
 */
import '../require-node.ts';

export { ConfigurationError, DatabaseUrlError, redactPasswords } from '../config/database-url.ts';
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
} from '../generated/prisma/client.ts';
// Every input and argument type is reachable through the namespace: Prisma.UserCreateInput, Prisma.UserWhereInput…
export { Prisma, PrismaClient } from '../generated/prisma/client.ts';
export {
  AssetKind,
  InteractionType,
  MaterialSourceType,
  MaterialStatus,
  SessionStatus,
  UserRole,
} from '../generated/prisma/enums.ts';
export {
  type CreatePrismaClientOptions,
  createPrismaClient,
  type PoolSettings,
  poolSettings,
} from './create-prisma-client.ts';
