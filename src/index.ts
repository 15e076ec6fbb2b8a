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
export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export * from './generated/prisma/enums.ts';
export type * from './generated/prisma/models.ts';
export { type DatabaseContext, withDatabase } from './harness/with-database.ts';
