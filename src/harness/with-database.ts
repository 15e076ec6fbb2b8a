/**
 * `withDatabase(fn)`: a fresh, fully migrated database of its own for `fn`,
 * under any test runner. Inside a run set up by the Vitest global setup it
 * uses that run's server and template; on its own it starts them on first
 * use and stops them when the process is about to exit.
 */
import { createPrismaClient } from '../client/create-prisma-client.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { ClonePool } from './clone-pool.ts';
import { type RunSetup, runSetupFromEnv, setUpRun } from './run-setup.ts';

export interface DatabaseContext {
  /** A Prisma Client on this database. */
  readonly prisma: PrismaClient;
  /** This database's URL (superuser; its password included, so keep it out of logs). */
  readonly url: string;
  /** This database's name, `fixtures_db_…`. */
  readonly name: string;
}

let pool: Promise<ClonePool> | undefined;

function clonePool(): Promise<ClonePool> {
  pool ??= (async () => {
    let setup: RunSetup | undefined = runSetupFromEnv();
    if (!setup) {
      const run = await setUpRun();
      setup = run.setup;
      // Started here, so stopped here: when nothing is left to do, not on every withDatabase.
      process.once('beforeExit', () => {
        void pool?.then((clones) => clones.close()).finally(run.teardown);
      });
    }
    return new ClonePool({ adminUrl: new URL(setup.adminUrl), template: setup.template });
  })();
  return pool;
}

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
  const clones = await clonePool();
  const { name, url } = await clones.acquire();
  const prisma = createPrismaClient({ url });
  try {
    return await fn({ prisma, url, name });
  } finally {
    await prisma.$disconnect();
    await clones.release(name);
  }
}
