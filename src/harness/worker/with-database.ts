/**
 * `withDatabase(fn, options?)`: a fresh, fully migrated database of its own
 * for `fn`, under any test runner (see pools.ts for where the server
 * comes from).
 */
import { createPrismaClient } from '../../client/create-prisma-client.ts';
import { redactPasswords } from '../../config/database-url.ts';
import { OptionError } from '../../config/option-error.ts';
import { checkOptions, oneOf, shownValue } from '../../config/option-values.ts';
import { createDatabaseContext, type DatabaseContext } from './database-context.ts';
import { harnessClientUrl, ISOLATIONS, type Isolation } from './isolation.ts';
import { keepFailed, keepFailedEnabled } from './keep-failed.ts';
import { runPool } from './pools.ts';

export { LeftoverConnectionsError } from './leftover-connections.ts';
export type { DatabaseContext, Isolation };

/** Options of `withDatabase`. */
export interface WithDatabaseOptions {
  /**
   * `database` (default): a clone of the migrated template. `schema`: a fresh,
   * migrated schema in the server's admin database, for servers that do not
   * let the harness create databases; `ctx.url` then ends in `?schema=…`.
   */
  readonly isolation?: Isolation;
}

/**
 * Runs `fn` with a fresh, fully migrated database of its own, and drops the
 * database afterwards, even when `fn` throws (its error is rethrown as is):
 * in the background when `fn` left no connection open, so that the call
 * returns at once; the drop is done by the time the run's pools close.
 * With FIXTURES_KEEP_FAILED=1, the database of an `fn` that threw is kept,
 * and a line on stderr says how to open it.
 *
 * Connections `fn` opened on `ctx.url` and left open are closed, and then
 * reported: a {@link LeftoverConnectionsError} when `fn` succeeded, a warning
 * when it threw (its own error comes first).
 *
 * @example
 * const count = await withDatabase(async ({ prisma }) => {
 *   await prisma.user.create({ data: { email: 'ada@ctoprojects.dev', displayName: 'Ada' } });
 *   return prisma.user.count();
 * }); // 1
 *
 * // On a server where the tests' role may create schemas but not databases:
 * await withDatabase(({ url }) => url, { isolation: 'schema' }); // '…?schema=fixtures_schema_…'
 */
export async function withDatabase<T>(
  fn: (context: DatabaseContext) => T | Promise<T>,
  options: WithDatabaseOptions = {},
): Promise<T> {
  const isolation = checkArguments(fn, options);
  const pool = await runPool(isolation);
  const database = await pool.acquire();
  const prisma = createPrismaClient({ url: harnessClientUrl(database) });
  let result: T;
  try {
    result = await fn(createDatabaseContext(prisma, database.url, database.name));
  } catch (error) {
    await prisma.$disconnect().catch(() => {});
    // fn's error is the one to report: what goes wrong while cleaning up after it is only a warning.
    const warn = (cleanupError: Error) =>
      process.emitWarning(redactPasswords(cleanupError.message), { code: 'FIXTURES_RELEASE' });
    if (keepFailedEnabled()) await keepFailed(pool, database, 'a withDatabase call that threw').catch(warn);
    else await pool.release(database.name).catch(warn);
    throw error;
  }
  await prisma.$disconnect();
  // Dropped in the background unless fn left a connection open: the next call need not wait for it.
  await pool.releaseSoon(database.name);
  return result;
}

/**
 * The isolation `options` ask for. The types already say what `fn` and the
 * options may be; a caller in plain JavaScript (or with a cast) learns it
 * here, before any server starts: a misspelt option used to be ignored.
 */
function checkArguments(fn: unknown, options: unknown): Isolation {
  if (typeof fn !== 'function') {
    throw new OptionError(
      'fn',
      `withDatabase(fn) needs a function as fn, got ${shownValue(fn)}: withDatabase(async ({ prisma }) => …).`,
    );
  }
  const { isolation = 'database' } = checkOptions('withDatabase', options, { isolation: 'other' });
  return oneOf('isolation', isolation, ISOLATIONS, "withDatabase(fn, { isolation: 'schema' })");
}
