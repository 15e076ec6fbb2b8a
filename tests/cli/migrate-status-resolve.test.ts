/**
 * `migrate status` and `migrate resolve` through the real CLI on the offline
 * engine, against a real PostgreSQL: the behaviours that Prisma's own tests
 * check (prisma/prisma, branch v7, packages/migrate/src/__tests__/
 * MigrateStatus.test.ts and MigrateResolve.test.ts), with the native
 * engine's words as the expected output. The set-ups are ours, on this
 * project's data model.
 *
 * Prisma runs most of those cases on SQLite fixtures; the messages come from
 * the engine's migration-history diagnosis and the CLI, which are the same on
 * PostgreSQL, so each is asserted here on PostgreSQL. Prisma's snapshots
 * write every timestamp as 20201231000000; the engine's own example name in
 * P3011 and P3017 is 20201207184859_initial_migration. Left out: the
 * `prisma.config.ts` cases (no datasource URL, no schema file), which our
 * command settles before Prisma starts (tests/config/connection-strings.test.ts),
 * and the help text, which is Prisma's alone.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDatabase, migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { runPrisma } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';

const FAILED = '20991231000000_failed';

let project: ScratchProject;
let database: TestDatabase | undefined;
let init: string;

beforeEach(async () => {
  project = await scratchProject();
  init = (await readdir(project.migrationsDir)).find((name) => name.endsWith('_init')) as string;
});

afterEach(async () => {
  await Promise.all([project.remove(), database?.drop()]);
  database = undefined;
});

const prisma = (...args: string[]) =>
  runPrisma(args, { cwd: project.dir, env: { DATABASE_URL: (database as TestDatabase).url } });

async function addMigration(name: string, sql: string): Promise<void> {
  await mkdir(join(project.migrationsDir, name));
  await writeFile(join(project.migrationsDir, name, 'migration.sql'), sql);
}

/** The init migration applied, then one that fails half-way: recorded as failed, its effects rolled back. */
async function withFailedMigration(): Promise<void> {
  database = await migratedDatabase();
  await addMigration(FAILED, 'CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n');
  const deploy = await prisma('migrate', 'deploy');
  expect(deploy.code, deploy.output).toBe(1);
}

describe('migrate status', () => {
  it('says the database is up to date when every migration is applied', async () => {
    database = await migratedDatabase();

    const result = await prisma('migrate', 'status');

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('1 migration found in prisma/migrations\n');
    expect(result.stdout).toContain('Database schema is up to date!');
  });

  it('lists the migrations not yet applied, and how to apply them', async () => {
    database = await emptyDatabase();

    const result = await prisma('migrate', 'status');

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `1 migration found in prisma/migrations\nFollowing migration have not yet been applied:\n${init}\n\n` +
        'To apply migrations in development run prisma migrate dev.\nTo apply migrations in production run prisma migrate deploy.\n',
    );
  });

  it('lists a failed migration, and the two ways to resolve it', async () => {
    await withFailedMigration();

    const result = await prisma('migrate', 'status');

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('2 migrations found in prisma/migrations\n');
    expect(result.stderr).toContain(
      `Following migration have failed:\n${FAILED}\n\n` +
        'During development if the failed migration(s) have not been deployed to a production database you can then fix the migration(s) and run prisma migrate dev.\n\n' +
        'The failed migration(s) can be marked as rolled back or applied:\n\n' +
        `- If you rolled back the migration(s) manually:\nprisma migrate resolve --rolled-back "${FAILED}"\n\n` +
        `- If you fixed the database manually (hotfix):\nprisma migrate resolve --applied "${FAILED}"\n\n` +
        'Read more about how to resolve migration issues in a production database:\nhttps://pris.ly/d/migrate-resolve',
    );
    expect(await query(database?.url ?? '', "SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
  });

  it('says a database with tables and no migration history is not managed by Prisma Migrate', async () => {
    database = await emptyDatabase();
    await query(database.url, 'CREATE TABLE legacy (id int PRIMARY KEY)');
    await rm(project.migrationsDir, { recursive: true });

    const result = await prisma('migrate', 'status');

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No migration found in prisma/migrations\n');
    expect(result.stderr).toContain(
      'The current database is not managed by Prisma Migrate.\n\n' +
        'Read more about how to baseline an existing production database:\nhttps://pris.ly/d/migrate-baseline',
    );
  });

  it('says where the local history and the database part ways', async () => {
    database = await migratedDatabase();
    // A migration applied from another branch, which this checkout does not have…
    await query(
      database.url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES (gen_random_uuid()::text, repeat('0', 64), '20991231000000_dogage', now(), now(), 1)`,
    );
    // …and one of this checkout, which the database never saw.
    await addMigration('20991231000001_catage', 'ALTER TABLE users ADD COLUMN age int;\n');

    const result = await prisma('migrate', 'status');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Your local migration history and the migrations table from your database are different:\n\n' +
        `The last common migration is: ${init}\n\n` +
        'The migration have not yet been applied:\n20991231000001_catage\n\n' +
        'The migration from the database are not found locally in prisma/migrations:\n20991231000000_dogage',
    );
  });
});

describe('migrate resolve', () => {
  it('needs --applied or --rolled-back, and not both', async () => {
    database = await migratedDatabase();

    const neither = await prisma('migrate', 'resolve');
    const both = await prisma('migrate', 'resolve', '--applied=a', '--rolled-back=b');

    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain(
      '--applied or --rolled-back must be part of the command like:\n' +
        'prisma migrate resolve --applied 20201231000000_example\n' +
        'prisma migrate resolve --rolled-back 20201231000000_example',
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('Pass either --applied or --rolled-back, not both.');
  });

  it('--applied refuses a migration that does not exist (P3017)', async () => {
    await withFailedMigration();

    const result = await prisma('migrate', 'resolve', '--applied=does_not_exist');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'P3017\n\nThe migration does_not_exist could not be found. Please make sure that the migration exists, and that you included the whole name of the directory. (example: "20201207184859_initial_migration")',
    );
  });

  it('--applied refuses a migration already applied (P3008)', async () => {
    database = await migratedDatabase();

    const result = await prisma('migrate', 'resolve', '--applied', init);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `P3008\n\nThe migration \`${init}\` is already recorded as applied in the database.`,
    );
  });

  it('--applied marks a failed migration applied, and status is then up to date', async () => {
    await withFailedMigration();

    const result = await prisma('migrate', 'resolve', '--applied', FAILED);

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain(`Migration ${FAILED} marked as applied.`);
    const status = await prisma('migrate', 'status');
    expect(status.stdout).toContain('Database schema is up to date!');
  });

  it('--rolled-back refuses a migration never applied (P3011)', async () => {
    await withFailedMigration();

    const result = await prisma('migrate', 'resolve', '--rolled-back=does_not_exist');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'P3011\n\nMigration `does_not_exist` cannot be rolled back because it was never applied to the database. Hint: did you pass in the whole migration name? (example: "20201207184859_initial_migration")',
    );
  });

  it('--rolled-back refuses a migration that did not fail (P3012)', async () => {
    database = await migratedDatabase();

    const result = await prisma('migrate', 'resolve', '--rolled-back', init);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `P3012\n\nMigration \`${init}\` cannot be rolled back because it is not in a failed state.`,
    );
  });

  it('--rolled-back marks a failed migration rolled back, twice over without complaint', async () => {
    await withFailedMigration();

    const first = await prisma('migrate', 'resolve', '--rolled-back', FAILED);
    const again = await prisma('migrate', 'resolve', '--rolled-back', FAILED);

    for (const result of [first, again]) {
      expect(result.code, result.output).toBe(0);
      expect(result.stdout).toContain(`Migration ${FAILED} marked as rolled back.`);
    }
  });
});
