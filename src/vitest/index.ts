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
 */
import { test as baseTest } from 'vitest';
import { createPrismaClient } from '../client/create-prisma-client.ts';
import { createDatabaseContext, type DatabaseContext } from '../harness/database-context.ts';
import { createTransactionSandbox } from '../harness/reset/transaction.ts';
import { truncateAll } from '../harness/reset/truncate.ts';
import { runClonePool } from '../harness/run-clones.ts';

/**
 * How a test file's database is reset between its tests:
 * - `transaction` (default): each test runs in a transaction rolled back after it; the
 *   code under test may still call `prisma.$transaction(...)` (mapped onto savepoints).
 * - `truncate`: real commits; every table but `_prisma_migrations` is emptied after each test.
 * - `none`: tests of the file share what they write.
 */
export type ResetMode = 'transaction' | 'truncate' | 'none';

interface FileDatabase {
  readonly context: DatabaseContext;
  beforeTest(): Promise<void>;
  afterTest(): Promise<void>;
  close(): Promise<void>;
}

async function openFileDatabase(reset: ResetMode): Promise<FileDatabase> {
  const clones = await runClonePool();
  const { name, url } = await clones.acquire();
  if (reset === 'transaction') {
    const sandbox = await createTransactionSandbox(url);
    return {
      context: createDatabaseContext(sandbox.prisma, url, name),
      beforeTest: () => sandbox.begin(),
      afterTest: () => sandbox.rollback(),
      close: () => sandbox.close().finally(() => clones.release(name)),
    };
  }
  const prisma = createPrismaClient({ url });
  const truncate = reset === 'truncate' ? await truncateAll(prisma) : async () => {};
  return {
    context: createDatabaseContext(prisma, url, name),
    beforeTest: async () => {},
    afterTest: truncate,
    close: () => prisma.$disconnect().finally(() => clones.release(name)),
  };
}

export const test = baseTest.extend<{ dbReset: ResetMode; fileDatabase: FileDatabase; db: DatabaseContext }>({
  dbReset: ['transaction', { scope: 'file' }],
  fileDatabase: [
    async ({ dbReset }, use) => {
      const database = await openFileDatabase(dbReset);
      try {
        await use(database);
      } finally {
        await database.close();
      }
    },
    { scope: 'file' },
  ],
  db: async ({ fileDatabase }, use) => {
    await fileDatabase.beforeTest();
    try {
      await use(fileDatabase.context);
    } finally {
      await fileDatabase.afterTest();
    }
  },
});

export { describe, expect } from 'vitest';
