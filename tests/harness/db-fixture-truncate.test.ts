/**
 * The Vitest `db` fixture with `dbReset: 'truncate'`: writes really commit
 * (another connection sees them), and the next test still starts empty.
 */

import { describe, expect, test as fixturesTest } from '@ctoprojects/fixtures/vitest';
import pg from 'pg';

const test = fixturesTest.override({ dbReset: 'truncate' });

async function countUsersOnAnotherConnection(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n;
  } finally {
    await client.end();
  }
}

describe('the db fixture, reset by truncation', () => {
  test('commits for real: a second connection sees the row', async ({ db }) => {
    await db.prisma.user.create({ data: { email: 'committed@ctoprojects.dev', displayName: 'C' } });

    expect(await countUsersOnAnotherConnection(db.url)).toBe(1);
  });

  test('empties every table between tests, and keeps the migration history', async ({ db }) => {
    expect(await countUsersOnAnotherConnection(db.url)).toBe(0);
    expect(await db.prisma.$queryRaw`SELECT migration_name FROM _prisma_migrations`).toHaveLength(1);
  });
});
