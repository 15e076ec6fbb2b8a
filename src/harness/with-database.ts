/**
 * `withDatabase(fn)`: a fresh, fully migrated database of its own for `fn`,
 * under any test runner (see run-clones.ts for where the server comes from).
 */
import { createPrismaClient } from '../client/create-prisma-client.ts';
import { createDatabaseContext, type DatabaseContext } from './database-context.ts';
import { runClonePool } from './run-clones.ts';

export type { DatabaseContext };

/**
 * Runs `fn` with a fresh, fully migrated database of its own, and drops the
 * database afterwards, even when `fn` throws (its error is rethrown as is).
 *
 * @example
 * const count = await withDatabase(async ({ prisma }) => {
 *   await prisma.user.create({ data: { email: 'ada@ctoprojects.dev', displayName: 'Ada' } });
 *   return prisma.user.count();
 * }); // 1
 */
export async function withDatabase<T>(fn: (context: DatabaseContext) => T | Promise<T>): Promise<T> {
  const clones = await runClonePool();
  const { name, url } = await clones.acquire();
  const prisma = createPrismaClient({ url });
  try {
    return await fn(createDatabaseContext(prisma, url, name));
  } finally {
    await prisma.$disconnect();
    await clones.release(name);
  }
}
