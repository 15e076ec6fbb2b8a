/**
 * `db push` through the real CLI on the offline engine, against a real
 * PostgreSQL: the behaviours that Prisma's own tests check (prisma/prisma,
 * packages/migrate/src/__tests__/DbPush.test.ts), with the native engine's
 * words as the expected output. Prisma runs them on SQLite fixtures; the
 * warnings and the refusals come from the engine's data-loss checker and the
 * CLI, the same on PostgreSQL, where each runs here. The schemas are ours.
 *
 * Where Prisma 7.10's CLI words a message differently from that file's
 * revision ("The database is already in sync with the Prisma schema.", "You
 * may use the --force-reset flag…", `--force` now an unknown option), the
 * expected output is 7.10's: the words are the CLI's, not the engine's.
 *
 * Without a terminal (our tests have none, as CI has none) the CLI cannot ask,
 * so the prompt cases are the "in CI" ones: asked for --accept-data-loss or
 * --force-reset, it stops and changes nothing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query } from '../support/databases.ts';
import { projectAndDatabasePerTest } from '../support/project-per-test.ts';
import { runPrisma } from '../support/run-cli.ts';

const schema = (models: string) => `datasource db {\n  provider = "postgresql"\n}\n\n${models}`;
const BLOG_AND_NOTE = schema(
  'model Blog {\n  id       Int     @id\n  fullname String?\n}\n\nmodel Note {\n  id Int @id\n}\n',
);

const each = projectAndDatabasePerTest();

async function push(models: string, ...args: string[]) {
  await writeFile(join(each.project.dir, 'push.prisma'), models);
  return runPrisma(['db', 'push', '--schema', 'push.prisma', ...args], {
    cwd: each.project.dir,
    env: { DATABASE_URL: each.database.url },
  });
}

const tables = async () =>
  (
    await query<{ tablename: string }>(
      each.database.url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
  ).map((row) => row.tablename);

// Prisma gives milliseconds under a second and seconds from one on ("Done in 1.04s").
const IN_SYNC = /🚀 {2}Your database is now in sync with your Prisma schema\. Done in \d+(?:ms|\.\d+s)/;

describe('db push', () => {
  it('creates the tables, then finds the database already in sync', async () => {
    const first = await push(BLOG_AND_NOTE);
    const again = await push(BLOG_AND_NOTE);

    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(IN_SYNC);
    expect(await tables()).toEqual(['Blog', 'Note']);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('The database is already in sync with the Prisma schema.');
  });

  it('asks for --accept-data-loss before dropping a table with rows, and changes nothing', async () => {
    await push(BLOG_AND_NOTE);
    await query(each.database.url, 'INSERT INTO "Note" (id) VALUES (1)');

    const result = await push(schema('model Blog {\n  id       Int     @id\n  fullname String?\n}\n'));

    expect(result.code).toBe(1);
    expect(result.output).toContain(
      '⚠️  There might be data loss when applying the changes:\n\n  • You are about to drop the `Note` table, which is not empty (1 rows).',
    );
    expect(result.output).toContain(
      'Use the --accept-data-loss flag to ignore the data loss warnings like prisma db push --accept-data-loss',
    );
    expect(await tables()).toEqual(['Blog', 'Note']);
  });

  it('drops it with --accept-data-loss, saying what it lost', async () => {
    await push(BLOG_AND_NOTE);
    await query(each.database.url, 'INSERT INTO "Note" (id) VALUES (1)');

    const result = await push(
      schema('model Blog {\n  id       Int     @id\n  fullname String?\n}\n'),
      '--accept-data-loss',
    );

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('  • You are about to drop the `Note` table, which is not empty (1 rows).');
    expect(result.output).toMatch(IN_SYNC);
    expect(await tables()).toEqual(['Blog']);
  });

  it('asks for --force-reset when a change cannot run on the rows there, and changes nothing', async () => {
    await push(BLOG_AND_NOTE);
    await query(each.database.url, 'INSERT INTO "Blog" (id, fullname) VALUES (1, NULL)');
    const required = schema(
      'model Blog {\n  id       Int    @id\n  fullname String\n}\n\nmodel Note {\n  id Int @id\n}\n',
    );

    const result = await push(required);

    expect(result.code).toBe(1);
    expect(result.output).toContain(
      '⚠️ We found changes that cannot be executed:\n\n  • Made the column `fullname` on table `Blog` required, but there are 1 existing NULL values.',
    );
    expect(result.output).toContain(
      'You may use the --force-reset flag to drop the database before push like prisma db push --force-reset',
    );
    expect(await query(each.database.url, 'SELECT count(*)::int AS n FROM "Blog"')).toEqual([{ n: 1 }]);
  });

  it('resets the database with --force-reset, then pushes', async () => {
    await push(BLOG_AND_NOTE);
    await query(each.database.url, 'INSERT INTO "Blog" (id, fullname) VALUES (1, NULL)');
    const required = schema('model Blog {\n  id       Int    @id\n  fullname String\n}\n');

    const result = await push(required, '--force-reset');

    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(
      new RegExp(
        `The PostgreSQL database "${each.database.name}" schema "public" at "[^"]+" was successfully reset\\.`,
      ),
    );
    expect(result.output).toMatch(IN_SYNC);
    expect(await tables()).toEqual(['Blog']);
    expect(await query(each.database.url, 'SELECT count(*)::int AS n FROM "Blog"')).toEqual([{ n: 0 }]);
  });

  it('refuses the old --force flag, pushing nothing', async () => {
    const result = await push(BLOG_AND_NOTE, '--force');

    expect(result.code).toBe(1);
    expect(result.output).toContain('! unknown or unexpected option: --force');
    expect(await tables()).toEqual([]);
  });
});
