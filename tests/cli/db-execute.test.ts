/**
 * `db execute` through the real CLI on the offline engine, against a real
 * PostgreSQL: the PostgreSQL behaviours that Prisma's own tests check
 * (prisma/prisma, branch v7, packages/migrate/src/__tests__/DbExecute.vitest.ts),
 * with the native engine's words as the expected output. The scripts are
 * Prisma's cases; the set-up is ours.
 *
 * Left out, with the reason: an invalid DATABASE_URL (P1013 there) stops at
 * our command before Prisma starts, with a line naming the variable
 * (tests/config/connection-strings.test.ts); an unreachable server is in
 * engine-failures.test.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query } from '../support/databases.ts';
import { projectAndDatabasePerTest } from '../support/project-per-test.ts';
import { runPrisma } from '../support/run-cli.ts';

const SCRIPT = `-- Drop & Create & Drop
DROP SCHEMA IF EXISTS "test-dbexecute";
CREATE SCHEMA "test-dbexecute";
DROP SCHEMA "test-dbexecute";`;

const each = projectAndDatabasePerTest();

async function execute(script: string, ...args: string[]) {
  await writeFile(join(each.project.dir, 'script.sql'), script);
  return runPrisma(['db', 'execute', ...(args.length > 0 ? args : ['--file=./script.sql'])], {
    cwd: each.project.dir,
    env: { DATABASE_URL: each.database.url },
  });
}

describe('db execute', () => {
  it.each([
    ['a script', SCRIPT],
    ['a script in its own transaction', `-- start a transaction\nBEGIN;\n\n${SCRIPT}\n\n-- commit changes\nCOMMIT;`],
    ['an empty script', ''],
  ])('runs %s: "Script executed successfully."', async (_, script) => {
    const result = await execute(script);

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Script executed successfully.');
  });

  it('runs the script it reads on stdin', async () => {
    const result = await runPrisma(['db', 'execute', '--stdin'], {
      cwd: each.project.dir,
      env: { DATABASE_URL: each.database.url },
      input: 'CREATE TABLE from_stdin (id int);',
    });

    expect(result.code, result.output).toBe(0);
    expect(await query(each.database.url, "SELECT to_regclass('from_stdin')::text AS t")).toEqual([
      { t: 'from_stdin' },
    ]);
  });

  it('fails on DROP DATABASE, which PostgreSQL runs in no multi-statement script', async () => {
    const result = await execute(
      'DROP DATABASE IF EXISTS "test-dbexecute";\nCREATE DATABASE "test-dbexecute";\nDROP DATABASE "test-dbexecute";',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERROR: DROP DATABASE cannot');
  });

  it("fails with PostgreSQL's own message on SQL that is not SQL", async () => {
    const result = await execute('ThisisnotSQLitshouldfail');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERROR: syntax error at or near "ThisisnotSQLitshouldfail"');
  });

  it('fails with P1003 when the script drops a database that does not exist', async () => {
    const result = await execute('DROP DATABASE "test-doesnotexists";');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('P1003\n\nDatabase `test-doesnotexists` does not exist');
  });

  it('needs --file or --stdin, and not both', async () => {
    const neither = await runPrisma(['db', 'execute'], {
      cwd: each.project.dir,
      env: { DATABASE_URL: each.database.url },
    });
    const both = await execute('SELECT 1;', '--file=./script.sql', '--stdin');

    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('Either --stdin or --file must be provided.\nSee `prisma db execute -h`');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain(
      '--stdin and --file cannot be used at the same time. Only 1 must be provided.\nSee `prisma db execute -h`',
    );
  });

  it('says which --file does not exist', async () => {
    const result = await runPrisma(['db', 'execute', '--file=./doesnotexists.sql'], {
      cwd: each.project.dir,
      env: { DATABASE_URL: each.database.url },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Provided --file at ./doesnotexists.sql doesn't exist.");
  });
});
