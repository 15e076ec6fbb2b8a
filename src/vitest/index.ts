/**
 * `@ctoprojects/fixtures/vitest`: Vitest's `test` with the `db` fixture, and
 * the errors that fixture may throw.
 */
import '../require-node.ts';
import { test as baseTest, type TestAPI } from 'vitest';
import { flushProfile } from '../factories/profile.ts';
import type { DatabaseContext } from '../harness/worker/database-context.ts';
import type { Isolation } from '../harness/worker/isolation.ts';
import { closeRunPools } from '../harness/worker/pools.ts';
import { FileDatabase, type ResetMode } from './file-database.ts';

export { ConfigurationError, DatabaseUrlError } from '../config/database-url.ts';
export { OptionError } from '../config/option-error.ts';
export { FactoryError } from '../factories/errors.ts';
export { LocalPostgresError } from '../harness/run/servers/local-postgres.ts';
export { TestcontainersServerError } from '../harness/run/servers/testcontainers-error.ts';
export { MigrationError } from '../harness/shared/apply-migrations.ts';
export { TemplateBuildError } from '../harness/shared/template-identity.ts';
export { LeftoverConnectionsError } from '../harness/worker/leftover-connections.ts';
export { SandboxConnectionLostError, TransactionSandboxError } from '../harness/worker/reset/transaction.ts';
export { DatabaseConnectionError } from '../sql/connection-error.ts';
export type { DatabaseContext, Isolation, ResetMode };

/** What `test` adds to Vitest's test context. */
export interface DbFixtures {
  /** The test's database: a client, its URL and name, and factories bound to it. */
  db: DatabaseContext;
  /** How the file's database is reset between its tests (file-scoped; default `transaction`). */
  dbReset: ResetMode;
  /** How the file is isolated: a `database` of its own (default) or a `schema` (file-scoped). */
  dbIsolation: Isolation;
}

/**
 * The file's database, which `db` hands to each test. Vitest tears fixtures
 * down per scope, and a file-scoped fixture is the only per-file teardown it
 * gives a library, so this is one; `test`'s declared type leaves it out. Its
 * name is this package's, so that a user's own fixture cannot replace it.
 */
interface FileFixtures {
  /** Worker-scoped: what the worker's pools prepared ahead and never handed out is dropped when the worker ends. */
  ctoprojectsPools: undefined;
  ctoprojectsFileDatabase: FileDatabase;
}

/**
 * What the `db` fixture needs per test (the factories, faker, the data
 * scopes), loaded with the file's first database instead of with this entry:
 * importing the entry stays light, and a file that never asks for a database
 * never loads them. Loading is CPU on the worker's one thread, so it overlaps
 * only the hand-out's waits on the server, not its own work.
 */
let perTest: Promise<typeof import('./per-test.ts')> | undefined;
const loadPerTest = () => {
  perTest ??= import('./per-test.ts');
  return perTest;
};

const withFileDatabase = baseTest.extend<Omit<DbFixtures, 'db'> & FileFixtures>({
  ctoprojectsPools: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      await use(undefined);
      await closeRunPools();
    },
    { scope: 'worker' },
  ],
  dbReset: ['transaction', { scope: 'file' }],
  dbIsolation: ['database', { scope: 'file' }],
  ctoprojectsFileDatabase: [
    async ({ dbReset, dbIsolation, ctoprojectsPools: _ }, use) => {
      const loading = loadPerTest();
      loading.catch(() => {}); // awaited below, once the database it would otherwise leave open is in hand
      const database = await FileDatabase.open(dbIsolation, dbReset);
      try {
        await loading;
        await use(database);
      } finally {
        await database.close();
      }
    },
    { scope: 'file' },
  ],
});

/**
 * Vitest's `test` with a `db` fixture: a fully migrated database of the test
 * file's own, reset between its tests.
 *
 * @example
 * import { test } from '@ctoprojects/fixtures/vitest';
 *
 * test('a learner signs up', async ({ db }) => {
 *   await db.prisma.user.create({ data: { email: 'ada@ctoprojects.dev', displayName: 'Ada' } });
 *   expect(await db.prisma.user.count()).toBe(1);
 * });
 *
 * // Per file (at its top level): real commits, emptied by TRUNCATE after each test.
 * const committingTest = test.override({ dbReset: 'truncate' });
 * // Per file: a schema of its own instead of a database (servers without CREATE DATABASE).
 * const schemaTest = test.override({ dbIsolation: 'schema' });
 */
export const test: TestAPI<DbFixtures> = withFileDatabase.extend<Pick<DbFixtures, 'db'>>({
  db: async ({ ctoprojectsFileDatabase: fileDatabase, task, onTestFailed }, use) => {
    const { createDatabaseContext, enterDataScope } = await loadPerTest();
    // The test's own data scope: its factories derive every value from its full name (file included).
    const scope = enterDataScope(task.fullName);
    onTestFailed(({ task: failedTest }) => {
      // The seed is what reproduces the failing data: it goes into the failure the reporter prints.
      const hint = `Data seed: "${scope.seed}". Running this test again builds the same data${process.env.FIXTURES_SEED ? ` (keep FIXTURES_SEED=${process.env.FIXTURES_SEED})` : ''}.`;
      const [first] = failedTest.result?.errors ?? [];
      if (first) first.message = `${first.message}\n${hint}`;
    });
    await fileDatabase.beforeTest();
    const { prisma, url, name } = fileDatabase.client;
    try {
      await use(createDatabaseContext(prisma, url, name));
    } finally {
      // Fixtures are torn down after the test and its afterEach hooks, before onTestFailed: the state is final here.
      const failed = task.result?.state === 'fail';
      await fileDatabase.afterTest(failed ? task.fullName : undefined);
      flushProfile();
    }
  },
});

export { describe, expect } from 'vitest';
