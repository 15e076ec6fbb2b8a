/**
 * The Vitest `db` fixture with `dbIsolation: 'schema'` and `dbReset:
 * 'truncate'`: real commits into the file's schema, emptied between tests.
 */
import { describe, expect, test as fixturesTest } from '@ctoprojects/fixtures/vitest';
import { withClient } from '../../src/sql/with-client.ts';

const test = fixturesTest.override({ dbIsolation: 'schema', dbReset: 'truncate' });

const countUsersOnAnotherConnection = (url: string) =>
  withClient(url, async (client) => (await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n);

describe('schema isolation, reset by truncation', () => {
  test('commits for real in the schema: a second connection sees the row', async ({ db }) => {
    await db.prisma.user.create({ data: { email: 'committed@ctoprojects.dev', displayName: 'C' } });

    expect(await countUsersOnAnotherConnection(db.url)).toBe(1);
  });

  test('empties the schema tables between tests, and keeps the migration history', async ({ db }) => {
    expect(await countUsersOnAnotherConnection(db.url)).toBe(0);
    expect(await db.prisma.$queryRaw`SELECT migration_name FROM _prisma_migrations`).toHaveLength(1);
  });
});
