/**
 * `migrate reset` through the real CLI on the offline engine, against a real
 * PostgreSQL: the behaviours that Prisma's own tests check (prisma/prisma,
 * packages/migrate/src/__tests__/MigrateReset.test.ts), with the native
 * engine's words as the expected output, on PostgreSQL where Prisma uses
 * SQLite. The seed cases are left out: Prisma 7's reset runs no seed (the
 * README says so, and `npm run db:seed` follows it).
 */
import { readdir, rm } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase, query, serverUrlFor } from '../support/databases.ts';
import { projectAndDatabasePerTest } from '../support/project-per-test.ts';
import { runPrisma } from '../support/run-cli.ts';

const each = projectAndDatabasePerTest(migratedDatabase);
let init: string;

beforeEach(async () => {
  init = (await readdir(each.project.migrationsDir)).find((name) => name.endsWith('_init')) as string;
  await query(each.database.url, "INSERT INTO users (email, display_name) VALUES ('ada@ctoprojects.dev', 'Ada')");
});

const reset = (args: string[], url = each.database.url) =>
  runPrisma(['migrate', 'reset', ...args], { cwd: each.project.dir, env: { DATABASE_URL: url } });

const users = (url = each.database.url) =>
  query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM users').then((rows) => rows[0]?.n);

describe('migrate reset', () => {
  it('with --force drops everything and applies the migrations again', async () => {
    const result = await reset(['--force']);

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Database reset successful');
    expect(result.output).toContain(
      `The following migration(s) have been applied:\n\nmigrations/\n  └─ ${init}/\n    └─ migration.sql`,
    );
    expect(await users()).toBe(0);
  });

  it('with no migrations directory leaves an empty database', async () => {
    await rm(each.project.migrationsDir, { recursive: true });

    const result = await reset(['--force']);

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Database reset successful');
    // Only the migrations table, which applying no migration still makes.
    expect(await query(each.database.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([
      { tablename: '_prisma_migrations' },
    ]);
  });

  it('with no terminal and no --force refuses, and drops nothing', async () => {
    const result = await reset([]);

    expect(result.code).toBe(1);
    expect(result.output).toContain('Prisma Migrate has detected that the environment is non-interactive');
    expect(result.output).toContain('Use --force to run this command without user interaction.');
    expect(await users()).toBe(1);
  });

  it('creates the database when it does not exist, then migrates it', async () => {
    const missing = serverUrlFor(`${each.database.name}_missing`);

    const result = await reset(['--force'], missing);

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`PostgreSQL database ${each.database.name}_missing created at 127.0.0.1:`);
    expect(result.output).toContain('Database reset successful');
    expect(await users(missing)).toBe(0);
    await query(serverUrlFor('postgres'), `DROP DATABASE "${each.database.name}_missing" WITH (FORCE)`);
  });
});
