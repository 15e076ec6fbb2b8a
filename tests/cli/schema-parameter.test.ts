/**
 * `?schema=` in a URL selects a PostgreSQL schema: the migrations land there,
 * and the runtime client reads and writes there, leaving `public` alone.
 */
import { createPrismaClient } from '@ctoprojects/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, query, type TestDatabase } from '../support/databases.ts';
import { runPrisma } from '../support/run-cli.ts';

describe('a URL with ?schema=tenant_a', () => {
  let database: TestDatabase;
  const inTenant = () => `${database.url}?schema=tenant_a`;

  beforeAll(async () => {
    database = await emptyDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('gets the migrations in that schema and none in public', async () => {
    const result = await runPrisma(['migrate', 'deploy'], { env: { DATABASE_URL: inTenant() } });

    expect(result.code, result.output).toBe(0);
    const tables = await query<{ schemaname: string; n: number }>(
      database.url,
      "SELECT schemaname, count(*)::int AS n FROM pg_tables WHERE schemaname IN ('public', 'tenant_a') GROUP BY 1",
    );
    expect(tables).toEqual([{ schemaname: 'tenant_a', n: 10 }]);
  });

  it('gives a runtime client that writes into that schema', async () => {
    const prisma = createPrismaClient({ url: inTenant() });
    try {
      await prisma.user.create({ data: { email: 'tenant@ctoprojects.dev', displayName: 'Tenant' } });
    } finally {
      await prisma.$disconnect();
    }

    expect(await query(database.url, 'SELECT email FROM tenant_a.users')).toEqual([
      { email: 'tenant@ctoprojects.dev' },
    ]);
  });
});
