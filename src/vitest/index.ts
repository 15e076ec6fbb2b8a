/**
 * `test`: Vitest's `test` with a `db` fixture: a fully migrated database of
 * the test file's own, reset between its tests.
 *
 * @example
 * import { test } from '@ctoprojects/fixtures/vitest';
 *
 * test('a learner signs up', async ({ db }) => {
 *   await db.prisma.user.create({ data: { email: 'ada@ctoprojects.dev', displayName: 'Ada' } });
 *   expect(await db.prisma.user.count()).toBe(1);
 * });
 *
 * // Per file (or per describe): real commits, emptied by TRUNCATE after each test.
 * const committingTest = test.override({ dbReset: 'truncate' });
 * // Per file: a schema of its own instead of a database (servers without CREATE DATABASE).
 * const schemaTest = test.override({ dbIsolation: 'schema' });
 */
import '../require-node.ts';
import { test as baseTest } from 'vitest';
import { enterDataScope } from '../factories/data-scope.ts';
import { flushProfile } from '../factories/profile.ts';
import { createDatabaseContext, type DatabaseContext } from '../harness/database-context.ts';
import type { Isolation } from '../harness/isolation.ts';
import { closeRunPools } from '../harness/run-pools.ts';
import { FileDatabase, type ResetMode } from './file-database.ts';

export { LeftoverConnectionsError } from '../harness/leftover-connections.ts';
export type { Isolation, ResetMode };

export const test = baseTest.extend<{
  dbPools: undefined;
  dbReset: ResetMode;
  dbIsolation: Isolation;
  fileDatabase: FileDatabase;
  db: DatabaseContext;
}>({
  // What the worker's pools prepared ahead and never handed out is dropped when the worker ends, not the run.
  dbPools: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      await use(undefined);
      await closeRunPools();
    },
    { scope: 'worker' },
  ],
  dbReset: ['transaction', { scope: 'file' }],
  dbIsolation: ['database', { scope: 'file' }],
  fileDatabase: [
    async ({ dbReset, dbIsolation, dbPools: _ }, use) => {
      const database = await FileDatabase.open(dbIsolation, dbReset);
      try {
        await use(database);
      } finally {
        await database.close();
      }
    },
    { scope: 'file' },
  ],
  db: async ({ fileDatabase, task, onTestFailed }, use) => {
    // The test's own data scope: its factories derive every value from its full name (file included).
    const scope = enterDataScope(task.fullName);
    onTestFailed(({ task: failedTest }) => {
      // The seed is what reproduces the failing data: it goes into the failure the reporter prints.
      const hint = `Data seed: "${scope.seed}". Running this test again builds the same data${process.env.FIXTURES_SEED ? ` (keep FIXTURES_SEED=${process.env.FIXTURES_SEED})` : ''}.`;
      const [first] = failedTest.result?.errors ?? [];
      if (first) first.message = `${first.message}\n${hint}`;
    });
    await fileDatabase.beforeTest();
    const { prisma, url, name } = fileDatabase.context;
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
