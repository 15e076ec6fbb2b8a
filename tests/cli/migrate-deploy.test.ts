/**
 * `migrate deploy` through the real CLI on the offline engine, against a real
 * PostgreSQL: the behaviours that Prisma's own tests check (prisma/prisma,
 * packages/migrate/src/__tests__/MigrateDeploy.test.ts), with the native
 * engine's words as the expected output, and the failure codes its
 * documentation gives for a migration that breaks (P3018) and for a deploy
 * after one broke (P3009). The set-ups are ours.
 *
 * That older snapshot also shows the engine's "Applying migration `…`" log
 * line, which Prisma 7's CLI no longer prints. Left out: the Accelerate (`prisma://`) cases, which need Prisma's hosted
 * service, and the missing-schema case, which our command settles before
 * Prisma starts (it passes the package's schema).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { query } from '../support/databases.ts';
import { projectAndDatabasePerTest } from '../support/project-per-test.ts';
import { runPrisma } from '../support/run-cli.ts';

const BROKEN = '20991231000000_broken';

const each = projectAndDatabasePerTest();
let init: string;

beforeEach(async () => {
  init = (await readdir(each.project.migrationsDir)).find((name) => name.endsWith('_init')) as string;
});

const deploy = () =>
  runPrisma(['migrate', 'deploy'], { cwd: each.project.dir, env: { DATABASE_URL: each.database.url } });

async function addBrokenMigration(): Promise<void> {
  await mkdir(join(each.project.migrationsDir, BROKEN));
  await writeFile(
    join(each.project.migrationsDir, BROKEN, 'migration.sql'),
    'CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n',
  );
}

describe('migrate deploy', () => {
  it('applies the pending migration, lists it, and then has nothing to do', async () => {
    const first = await deploy();
    const again = await deploy();

    expect(first.code, first.output).toBe(0);
    expect(first.stdout).toContain('1 migration found in prisma/migrations\n');
    expect(first.stdout).toContain(
      `The following migration(s) have been applied:\n\nmigrations/\n  └─ ${init}/\n    └─ migration.sql\n`,
    );
    expect(first.stdout).toContain('All migrations have been successfully applied.');
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain('No pending migrations to apply.');
  });

  it('refuses a database that has tables and no migration history (P3005)', async () => {
    await query(each.database.url, 'CREATE TABLE legacy (id int PRIMARY KEY)');

    const result = await deploy();

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'P3005\n\nThe database schema is not empty. Read more about how to baseline an existing production database: https://pris.ly/d/migrate-baseline',
    );
    expect(await query(each.database.url, "SELECT to_regclass('users') AS t")).toEqual([{ t: null }]);
  });

  it('stops at a migration that fails (P3018), naming it and the database error, with nothing of it applied', async () => {
    await addBrokenMigration();

    const result = await deploy();

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'P3018\n\nA migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve',
    );
    expect(result.stderr).toContain(`Migration name: ${BROKEN}`);
    expect(result.stderr).toContain('Database error code: 22012');
    expect(result.stderr).toContain('ERROR: division by zero');
    expect(await query(each.database.url, "SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
    expect(await query(each.database.url, "SELECT to_regclass('users')::text AS t")).toEqual([{ t: 'users' }]);
  });

  it('then refuses to apply anything until the failed migration is resolved (P3009)', async () => {
    await addBrokenMigration();
    await deploy();

    const result = await deploy();

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'P3009\n\nmigrate found failed migrations in the target database, new migrations will not be applied. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve',
    );
    expect(result.stderr).toMatch(new RegExp(`The \`${BROKEN}\` migration started at .+ failed`));
  });
});
