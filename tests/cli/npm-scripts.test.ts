/**
 * The npm script names of the old data layer's command table are a contract:
 * each one runs, through npm, as the README shows it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_TABLES, emptyDatabase, query, type TestDatabase } from '../support/databases.ts';
import { PROJECT_ROOT, runNpm } from '../support/run-cli.ts';

describe("the README's command table, through npm", () => {
  let database: TestDatabase;
  const env = () => ({ DATABASE_URL: database.url, DIRECT_DATABASE_URL: database.url });

  beforeAll(async () => {
    database = await emptyDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('names every script of the old table', async () => {
    const { scripts } = JSON.parse(await readFile(`${PROJECT_ROOT}package.json`, 'utf8')) as {
      scripts: Record<string, string>;
    };

    expect(Object.keys(scripts)).toEqual(
      expect.arrayContaining([
        'prisma:format',
        'prisma:generate',
        'prisma:studio',
        'prisma:migrate',
        'prisma:migrate:deploy',
        'db:reset',
        'db:seed',
      ]),
    );
  });

  it.each([
    [['prisma:format', '--', '--check'], 'formatted'],
    [['prisma:migrate:deploy'], 'All migrations have been successfully applied.'],
    [['prisma:migrate', 'status'], 'Database schema is up to date!'],
    [['db:seed'], 'The seed command has been executed.'],
    [['db:reset', '--', '--force'], 'Database reset successful'],
  ])('npm run %s works', async (args, expected) => {
    const result = await runNpm(args, { env: env() });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(expected);
  });

  it('npm run db:reset -- --force leaves an empty, migrated database: the seed does not run', async () => {
    await runNpm(['db:seed'], { env: env() });
    expect(await query(database.url, 'SELECT 1 FROM users')).not.toHaveLength(0);

    const result = await runNpm(['db:reset', '--', '--force'], { env: env() });

    expect(result.code, result.output).toBe(0);
    for (const table of DATA_TABLES) expect(await query(database.url, `SELECT 1 FROM "${table}"`), table).toEqual([]);
    const applied = await query(database.url, 'SELECT 1 FROM _prisma_migrations WHERE finished_at IS NOT NULL');
    expect(applied).toHaveLength(
      (await readdir(`${PROJECT_ROOT}prisma/migrations`, { withFileTypes: true })).filter((e) => e.isDirectory())
        .length,
    );
  });

  it('npm run db:reset without --force refuses to wipe a database from a script, and says how', async () => {
    const result = await runNpm(['db:reset'], { env: env() });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('--force');
  });
});
