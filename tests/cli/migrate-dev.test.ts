/**
 * `migrate dev` through the real CLI on the offline engine, against a real
 * PostgreSQL: the behaviours that Prisma's own tests check (prisma/prisma,
 * branch v7, packages/migrate/src/__tests__/MigrateDev.vitest.ts), with the
 * native engine's words as the expected output. Prisma runs most of them on
 * SQLite; here each runs on PostgreSQL, on this project's data model, from
 * no migrations at all. Data-loss checks are in data-loss.test.ts, the rest
 * of the everyday story (a new column, reset, a broken migration) in
 * prisma-commands.test.ts.
 *
 * Prisma's snapshots write each timestamp as 20201231000000; here it is any
 * fourteen digits.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { query } from '../support/databases.ts';
import { projectAndDatabasePerTest } from '../support/project-per-test.ts';
import { runPrisma } from '../support/run-cli.ts';

const each = projectAndDatabasePerTest();

beforeEach(async () => {
  await rm(each.project.migrationsDir, { recursive: true }); // a project before its first migration
});

const migrateDev = (args: string[], env: Record<string, string | undefined> = {}) =>
  runPrisma(['migrate', 'dev', ...args], { cwd: each.project.dir, env: { DATABASE_URL: each.database.url, ...env } });

const migrations = async () => (await readdir(each.project.migrationsDir)).filter((name) => /^\d{14}/.test(name));

const TABLES =
  "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'";

describe('migrate dev', () => {
  it('creates and applies the first migration (--name), with its lock file', async () => {
    const result = await migrateDev(['--name=first']);

    expect(result.code, result.output).toBe(0);
    const [created] = await migrations();
    expect(created).toMatch(/^\d{14}_first$/);
    expect(result.stdout).toContain(
      `The following migration(s) have been created and applied from new schema changes:\n\nprisma/migrations/\n  └─ ${created}/\n    └─ migration.sql\n\nYour database is now in sync with your schema.`,
    );
    expect(await readFile(join(each.project.migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );
    const sql = await readFile(join(each.project.migrationsDir, created as string, 'migration.sql'), 'utf8');
    expect(sql).toMatch(/^-- CreateEnum\nCREATE TYPE "user_role" AS ENUM \('ADMIN', 'LEARNER'\);\n/);
    expect(sql).toContain(
      '-- CreateTable\nCREATE TABLE "users" (\n    "id" UUID NOT NULL DEFAULT gen_random_uuid(),\n    "email" TEXT NOT NULL,',
    );
    expect(await query(each.database.url, TABLES)).toEqual([{ n: 9 }]);
  });

  it('with --create-only writes the migration without applying it, and the next run applies it', async () => {
    const draft = await migrateDev(['--create-only', '--name=first']);
    const [created] = await migrations();

    expect(draft.code, draft.output).toBe(0);
    expect(draft.stdout).toContain(
      `Prisma Migrate created the following migration without applying it ${created}\n\nYou can now edit it and apply it by running prisma migrate dev.`,
    );
    expect(await query(each.database.url, TABLES)).toEqual([{ n: 0 }]);

    const applied = await migrateDev([]);

    expect(applied.code, applied.output).toBe(0);
    expect(applied.stdout).toContain(
      `The following migration(s) have been applied:\n\nmigrations/\n  └─ ${created}/\n    └─ migration.sql\n\nYour database is now in sync with your schema.`,
    );
    expect(await query(each.database.url, TABLES)).toEqual([{ n: 9 }]);
  });

  it('says "Already in sync" when nothing changed, and writes nothing', async () => {
    await migrateDev(['--name=first']);
    const before = await migrations();

    const result = await migrateDev(['--name=again']);

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Already in sync, no schema change or pending migration was found.');
    expect(await migrations()).toEqual(before);
  });

  it('with --create-only and nothing changed writes an empty migration', async () => {
    await migrateDev(['--name=first']);

    const result = await migrateDev(['--create-only', '--name=empty']);

    expect(result.code, result.output).toBe(0);
    const created = (await migrations()).find((name) => name.endsWith('_empty')) as string;
    expect(await readFile(join(each.project.migrationsDir, created, 'migration.sql'), 'utf8')).toBe(
      '-- This is an empty migration.',
    );
  });

  it('with no terminal and no --name names the migration by its timestamp, where Prisma waited for a name forever', async () => {
    const result = await migrateDev([], { CI: undefined }); // our tests set CI; a developer's pipe does not

    expect(result.code, result.output).toBe(0);
    expect(await migrations()).toEqual([expect.stringMatching(/^\d{14}$/)]);
    expect(result.stdout).toContain('Your database is now in sync with your schema.');
  });
});
