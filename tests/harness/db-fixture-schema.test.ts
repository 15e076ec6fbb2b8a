/**
 * The Vitest `db` fixture with `dbIsolation: 'schema'`: a migrated schema of
 * the file's own, reset by transaction (the default) like a database.
 */
import { describe, expect, test as fixturesTest } from '@ctoprojects/fixtures/vitest';
import { withClient } from '../../src/sql/with-client.ts';

const test = fixturesTest.override({ dbIsolation: 'schema' });

const countUsersOnAnotherConnection = (url: string) =>
  withClient(url, async (client) => (await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n);

describe('schema isolation, reset by transaction', () => {
  test('runs the transaction sandbox on the file schema (search_path set)', async ({ db }) => {
    await db.prisma.user.create({ data: { email: 'first@ctoprojects.dev', displayName: 'First' } });
    const [row] = await db.prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema() AS schema`;

    expect(db.name).toMatch(/^fixtures_schema_/);
    expect(row?.schema).toBe(db.name);
    expect(await db.prisma.user.count()).toBe(1);
    expect(await countUsersOnAnotherConnection(db.url)).toBe(0); // not committed
  });

  test('rolls the previous test back', async ({ db }) => {
    expect(await db.prisma.user.count()).toBe(0);
  });
});
