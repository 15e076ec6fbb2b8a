/**
 * `withDatabase`: a fresh, fully migrated database of its own per call,
 * released afterwards whatever happens.
 */
import { withDatabase } from '@ctoprojects/fixtures';
import { describe, expect, inject, it } from 'vitest';
import { closeRunPools } from '../../src/harness/worker/pools.ts';
import { query } from '../support/databases.ts';

const databaseExists = async (name: string) =>
  (await query(inject('serverUrl'), `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length === 1;

describe('withDatabase', () => {
  it('hands fn a migrated, empty database and returns what fn returns', async () => {
    const result = await withDatabase(async ({ prisma }) => {
      const migrations = await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM _prisma_migrations`;
      return { users: await prisma.user.count(), migrations: migrations[0]?.n };
    });

    expect(result).toEqual({ users: 0, migrations: 1 });
  });

  it('isolates calls from each other, even running at the same time', async () => {
    const counts = await Promise.all(
      ['a', 'b', 'c'].map((who) =>
        withDatabase(async ({ prisma }) => {
          await prisma.user.create({ data: { email: `${who}@ctoprojects.dev`, displayName: who } });
          return prisma.user.findMany({ select: { email: true } });
        }),
      ),
    );

    expect(counts).toEqual([
      [{ email: 'a@ctoprojects.dev' }],
      [{ email: 'b@ctoprojects.dev' }],
      [{ email: 'c@ctoprojects.dev' }],
    ]);
  });

  it('drops the database afterwards: in the background, done by the time the pools close', async () => {
    const name = await withDatabase(({ name }) => name);

    expect(name).toMatch(/^fixtures_db_[0-9a-f]{8}_\d+_[0-9a-z]+_[0-9a-f]{10}$/);
    await closeRunPools();
    expect(await databaseExists(name)).toBe(false);
  });

  it('does not wait for its own client to leave, nor call it a leftover', async () => {
    // Its PrismaClient's backend may outlive $disconnect by a moment: the drop ends it, with no report.
    const names = [];
    for (let call = 0; call < 5; call += 1)
      names.push(
        await withDatabase(async ({ name, prisma }) => {
          await prisma.user.count();
          return name;
        }),
      );

    await closeRunPools();
    for (const name of names) expect(await databaseExists(name)).toBe(false);
  });

  it('drops it when fn throws too, and rethrows the error unchanged', async () => {
    const failure = new Error('the test failed');
    let seen = '';

    const outcome = withDatabase(({ name }) => {
      seen = name;
      throw failure;
    });

    await expect(outcome).rejects.toBe(failure);
    expect(await databaseExists(seen)).toBe(false);
  });
});
