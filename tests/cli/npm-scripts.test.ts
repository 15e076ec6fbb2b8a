/**
 * The npm script names of the old data layer's command table are a contract:
 * each one runs, through npm, as the README shows it. They run in a scratch
 * copy of the project: `db:reset` generates the client after it, and in the
 * checkout that rewrote the client other workers were importing (a script of
 * bad-input.test.ts once failed to import the package that way).
 */
import { copyFile, cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_TABLES, emptyDatabase, query, type TestDatabase } from '../support/databases.ts';
import { PROJECT_ROOT, type RunOptions, runNpm } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';

describe("the README's command table, through npm", () => {
  let database: TestDatabase;
  let project: ScratchProject;
  const inProject = (): RunOptions => ({
    cwd: project.dir,
    env: { DATABASE_URL: database.url, DIRECT_DATABASE_URL: database.url },
  });

  beforeAll(async () => {
    [database, project] = await Promise.all([emptyDatabase(), scratchProject()]);
    await copyFile(join(PROJECT_ROOT, '.npmrc'), join(project.dir, '.npmrc')); // the scripts' Node flags
    // The client the seed imports; db:reset generates the copy's own anew.
    await cp(join(PROJECT_ROOT, 'src', 'generated'), join(project.dir, 'src', 'generated'), { recursive: true });
  });

  afterAll(async () => {
    await Promise.all([database.drop(), project.remove()]);
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
    const result = await runNpm(args, inProject());

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(expected);
  });

  it('npm run db:reset -- --force leaves an empty, migrated database: the seed does not run', async () => {
    await runNpm(['db:seed'], inProject());
    expect(await query(database.url, 'SELECT 1 FROM users')).not.toHaveLength(0);

    const result = await runNpm(['db:reset', '--', '--force'], inProject());

    expect(result.code, result.output).toBe(0);
    for (const table of DATA_TABLES) expect(await query(database.url, `SELECT 1 FROM "${table}"`), table).toEqual([]);
    const applied = await query(database.url, 'SELECT 1 FROM _prisma_migrations WHERE finished_at IS NOT NULL');
    expect(applied).toHaveLength(
      (await readdir(`${PROJECT_ROOT}prisma/migrations`, { withFileTypes: true })).filter((e) => e.isDirectory())
        .length,
    );
  });

  it('npm run db:reset without --force refuses to wipe a database from a script, and says how', async () => {
    const result = await runNpm(['db:reset'], inProject());

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('--force');
  });
});
