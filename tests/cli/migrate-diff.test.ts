/**
 * `migrate diff` through the real CLI on the offline engine: the behaviours
 * that Prisma's own tests check (prisma/prisma, branch v7,
 * packages/migrate/src/__tests__/MigrateDiff.vitest.ts), with the native
 * engine's output as the expected output. Prisma runs most of them on SQLite;
 * here each runs on PostgreSQL, whose SQL the engine renders its own way (the
 * PostgreSQL case of that file gives the shape). Between schema files alone,
 * the engine names the schema on PostgreSQL (`CREATE SCHEMA IF NOT EXISTS
 * "public"`, `DROP TABLE "public"."Blog"`), and does so whether or not it is
 * connected: that is the engine build's own rendering (the same build as the
 * CLI's native engine), which Prisma's tests check on SQLite only. The schema
 * is Prisma's test model, `Blog`; the set-up is ours.
 *
 * Left out: external tables (they are set in prisma.config.ts, and our command
 * passes the package's), the hints for the flags Prisma 7 removed (their text
 * is a stored snapshot we do not have), MongoDB, D1, MySQL and SQL Server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { runPrisma } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';

const BLOG = `datasource db {
  provider = "postgresql"
}

model Blog {
  id          Int @id
  viewCount20 Int
}
`;

const CREATE_BLOG = `-- CreateTable
CREATE TABLE "Blog" (
    "id" INTEGER NOT NULL,
    "viewCount20" INTEGER NOT NULL,

    CONSTRAINT "Blog_pkey" PRIMARY KEY ("id")
);
`;

let project: ScratchProject;
let database: TestDatabase;

beforeAll(async () => {
  [project, database] = await Promise.all([scratchProject(), emptyDatabase()]);
  await writeFile(join(project.dir, 'blog.prisma'), BLOG);
});

afterAll(async () => {
  await Promise.all([project.remove(), database.drop()]);
});

const diff = (...args: string[]) =>
  runPrisma(['migrate', 'diff', ...args], { cwd: project.dir, env: { DATABASE_URL: database.url } });

describe('migrate diff', () => {
  it('renders the SQL from the configured database to a schema file', async () => {
    const result = await diff('--from-config-datasource', '--to-schema=./blog.prisma', '--script');

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain(CREATE_BLOG);
  });

  it('summarises the change from nothing to a schema file', async () => {
    const result = await diff('--from-empty', '--to-schema=./blog.prisma');

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('\n[+] Added tables\n  - Blog\n');
  });

  it('summarises, and renders, the change from a schema file to nothing', async () => {
    const summary = await diff('--from-schema=./blog.prisma', '--to-empty');
    const script = await diff('--from-schema=./blog.prisma', '--to-empty', '--script');

    expect(summary.code, summary.output).toBe(0);
    expect(summary.stdout).toContain('\n[-] Removed tables\n  - Blog\n');
    expect(script.code, script.output).toBe(0);
    expect(script.stdout).toContain('-- DropTable\nDROP TABLE "public"."Blog";\n');
  });

  it('says "No difference detected." between an empty database and nothing', async () => {
    const result = await diff('--from-config-datasource', '--to-empty');

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('No difference detected.');
  });

  it('exits 2 with --exit-code when there is a difference, with or without --script', async () => {
    const summary = await diff('--from-schema=./blog.prisma', '--to-empty', '--exit-code');
    const script = await diff('--from-schema=./blog.prisma', '--to-empty', '--script', '--exit-code');
    const none = await diff('--from-config-datasource', '--to-empty', '--exit-code');

    expect(summary.code, summary.output).toBe(2);
    expect(summary.stdout).toContain('[-] Removed tables\n  - Blog');
    expect(script.code, script.output).toBe(2);
    expect(script.stdout).toContain('DROP TABLE "public"."Blog";');
    expect(none.code, none.output).toBe(0);
  });

  it('writes to --output, making its directory, and prints nothing', async () => {
    const result = await diff('--from-empty', '--to-schema=./blog.prisma', '--script', '--output=./out/dir/blog.sql');

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).not.toContain('CREATE TABLE');
    expect(await readFile(join(project.dir, 'out', 'dir', 'blog.sql'), 'utf8')).toBe(
      `-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n${CREATE_BLOG}`,
    );
  });

  it('cannot tell the connector from two empty sides', async () => {
    const result = await diff('--from-empty', '--to-empty');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Could not determine the connector to use for diffing.');
  });

  it('needs one --from-… and one --to-…', async () => {
    for (const args of [
      [],
      ['--from-empty'],
      ['--to-empty'],
      ['--from-empty', '--from-config-datasource', '--to-empty'],
    ]) {
      const result = await diff(...args);
      expect(result.code, `${args.join(' ')}: ${result.output}`).not.toBe(0);
    }
  });
});
