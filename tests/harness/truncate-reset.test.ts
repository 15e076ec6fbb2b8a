/**
 * The truncate reset: every table but `_prisma_migrations` emptied, whether a
 * test left a few rows (deleted, children first) or many (truncated), and
 * sequences restarted. Against a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../src/client/create-prisma-client.ts';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { FEW_ROWS, truncateAll } from '../../src/harness/worker/reset/truncate.ts';
import { seedBaseline } from '../../src/seed/baseline.ts';
import { DATA_TABLES, migratedDatabase, query, type TestDatabase } from '../support/databases.ts';

let database: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await migratedDatabase();
  prisma = createPrismaClient({ url: database.url });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

async function rowCounts(): Promise<Record<string, number>> {
  const rows = await query<{ name: string; n: number }>(
    database.url,
    DATA_TABLES.map((table) => `SELECT '${table}' AS name, count(*)::int AS n FROM ${table}`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}

const empty = Object.fromEntries(DATA_TABLES.map((table) => [table, 0]));

describe('the truncate reset', () => {
  it('empties every table of a linked graph of a few rows, and keeps the migration history', async () => {
    await seedBaseline(prisma);
    expect(Object.values(await rowCounts()).every((n) => n > 0)).toBe(true);

    await (await truncateAll(prisma))();

    expect(await rowCounts()).toEqual(empty);
    expect(await query(database.url, 'SELECT 1 FROM _prisma_migrations')).toHaveLength(1);
  });

  it(`empties tables holding more than ${FEW_ROWS} rows too (then by TRUNCATE)`, async () => {
    await query(
      database.url,
      `INSERT INTO users (id, email, display_name, updated_at)
       SELECT gen_random_uuid(), 'u' || i || '@bench.dev', 'U', now() FROM generate_series(1, ${FEW_ROWS + 5}) AS i`,
    );
    await seedBaseline(prisma);

    await (await truncateAll(prisma))();

    expect(await rowCounts()).toEqual(empty);
  });

  it('restarts the sequences of the tables it empties, as TRUNCATE … RESTART IDENTITY does', async () => {
    await query(database.url, 'CREATE TABLE counters (id serial PRIMARY KEY, note text)');
    try {
      await query(database.url, "INSERT INTO counters (note) VALUES ('a'), ('b')");
      await (await truncateAll(prisma))();
      await query(database.url, "INSERT INTO counters (note) VALUES ('c')");

      expect(await query(database.url, 'SELECT id FROM counters')).toEqual([{ id: 1 }]);
    } finally {
      await query(database.url, 'DROP TABLE counters');
    }
  });
});
