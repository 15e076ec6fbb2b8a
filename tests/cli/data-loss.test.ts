/**
 * `migrate dev` checks what the next migration would do to the data before
 * it writes anything, in Prisma's own words (the native engine's checker,
 * which the offline engine runs read-only: src/schema-engine/data-loss.ts),
 * through the real CLI against a real PostgreSQL with rows in it.
 *
 * Steps that cannot run on this data stop the command with their step
 * number, and no migration is written; steps that may lose data are listed
 * as warnings, which a command with no terminal cannot accept, so it stops
 * too. The database is left as it was either way.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase, query } from '../support/databases.ts';
import { projectAndDatabasePerTest } from '../support/project-per-test.ts';
import { runPrisma } from '../support/run-cli.ts';

const each = projectAndDatabasePerTest(migratedDatabase);

beforeEach(async () => {
  await query(
    each.database.url,
    `INSERT INTO users (email, display_name, role) VALUES ('ada@ctoprojects.dev', 'Ada', 'ADMIN'), ('bo@ctoprojects.dev', 'Bo', 'LEARNER');
     INSERT INTO study_materials (owner_id, title, source_type) SELECT id, 'Linear algebra', 'TEXT' FROM users;`,
  );
});

async function changeSchema(...edits: [from: string | RegExp, to: string][]): Promise<void> {
  let schema = await each.project.readSchema();
  for (const [from, to] of edits) {
    const changed = schema.replace(from, to);
    if (changed === schema) throw new Error(`The edit ${String(from)} changed nothing in the schema.`);
    schema = changed;
  }
  await each.project.writeSchema(schema);
}

const migrateDev = (...args: string[]) =>
  runPrisma(['migrate', 'dev', ...args], { cwd: each.project.dir, env: { DATABASE_URL: each.database.url } });

/** What the test database holds that a migration would change: its columns, enum values and migrations. */
const shapeOfDatabase = () =>
  query(
    each.database.url,
    `SELECT (SELECT array_agg(table_name || '.' || column_name || ':' || data_type ORDER BY table_name, column_name)
               FROM information_schema.columns WHERE table_schema = 'public') AS columns,
            (SELECT array_agg(enumlabel ORDER BY enumlabel) FROM pg_enum) AS labels,
            (SELECT array_agg(migration_name ORDER BY migration_name) FROM _prisma_migrations) AS migrations,
            (SELECT count(*) FROM users) AS users`,
  );

describe('steps that cannot run on this data', () => {
  it('stop migrate dev before it writes: a required column without a default on a table with rows', async () => {
    await changeSchema(['  displayName String   @map("display_name")', '$&\n  nickname    String']);
    const before = await shapeOfDatabase();

    const result = await migrateDev('--name', 'nickname');

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('⚠️ We found changes that cannot be executed:');
    expect(result.output).toContain(
      '  • Step 0 Added the required column `nickname` to the `users` table without a default value. There are 2 rows in this table, it is not possible to execute this step.',
    );
    expect((await readdir(each.project.migrationsDir)).filter((name) => name.endsWith('_nickname'))).toEqual([]);
    expect(await shapeOfDatabase()).toEqual(before);
  });

  it('are numbered by their step in the migration, as --create-only writes it', async () => {
    // A new enum comes first in a migration: the column that needs it is step 1, not 0.
    await changeSchema(
      ['  displayName String   @map("display_name")', '$&\n  mood        Mood'],
      [/^enum UserRole \{/m, 'enum Mood {\n  CALM\n\n  @@map("mood")\n}\n\n$&'],
    );
    const created = await migrateDev('--create-only', '--name', 'mood');
    expect(created.code, created.output).toBe(0);
    const folder = (await readdir(each.project.migrationsDir)).find((name) => name.endsWith('_mood')) as string;
    const steps = (await readFile(join(each.project.migrationsDir, folder, 'migration.sql'), 'utf8'))
      .split('\n')
      .filter((line) => /^-- [A-Z]\w*$/.test(line));
    expect(steps).toEqual(['-- CreateEnum', '-- AlterTable']);
    await rm(join(each.project.migrationsDir, folder), { recursive: true }); // else migrate dev would apply it

    const result = await migrateDev('--name', 'mood');

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(
      '  • Step 1 Added the required column `mood` to the `users` table without a default value. There are 2 rows in this table, it is not possible to execute this step.',
    );
  });

  it('include a column made required while it holds NULLs', async () => {
    await query(each.database.url, "UPDATE study_materials SET source_uri = NULL WHERE title = 'Linear algebra'");
    await changeSchema([
      '  sourceUri  String?            @map("source_uri")',
      '  sourceUri  String             @map("source_uri")',
    ]);

    const result = await migrateDev('--name', 'required_uri');

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(
      '  • Step 0 Made the column `source_uri` on table `study_materials` required, but there are 2 existing NULL values.',
    );
  });
});

describe('steps that may lose data', () => {
  it('are listed before migrate dev goes on: removed enum values, new unique constraints, dropped columns', async () => {
    await changeSchema(
      [/enum UserRole \{\n {2}ADMIN\n/, 'enum UserRole {\n'],
      ['  role        UserRole @default(LEARNER)', '$&\n  handle      String?  @unique'],
      ['  sourceUri  String?            @map("source_uri")\n', ''],
    );
    await query(each.database.url, "UPDATE study_materials SET source_uri = 'https://ctoprojects.dev/la'");
    const before = await shapeOfDatabase();

    const result = await migrateDev('--name', 'risky');

    expect(result.output).toContain('⚠️  Warnings for the current datasource:');
    for (const warning of [
      'The values [ADMIN] on the enum `user_role` will be removed. If these variants are still used in the database, this will fail.',
      'A unique constraint covering the columns `[handle]` on the table `users` will be added. If there are existing duplicate values, this will fail.',
      'You are about to drop the column `source_uri` on the `study_materials` table, which still contains 2 non-null values.',
    ]) {
      expect(result.output).toContain(`  • ${warning}`);
    }
    expect(result.code, 'no terminal to accept them on').toBe(1);
    expect(await shapeOfDatabase()).toEqual(before);
  });

  it('include a narrowed column type, with the cast named', async () => {
    await changeSchema(['  title      String\n', '  title      String             @db.VarChar(8)\n']);

    const result = await migrateDev('--name', 'short_titles');

    expect(result.output).toContain(
      '  • You are about to alter the column `title` on the `study_materials` table, which contains 2 non-null values. The data in that column will be cast from `Text` to `VarChar(8)`.',
    );
    expect(result.code).toBe(1);
  });

  it('include a dropped table with rows', async () => {
    await changeSchema(
      [/\/\/\/ Append-only\.[\s\S]*?@@map\("audit_logs"\)\n\}\n/, ''],
      ['  auditLogs       AuditLog[]\n', ''],
    );
    await query(
      each.database.url,
      "INSERT INTO audit_logs (action, entity_type, entity_id) VALUES ('seed', 'user', gen_random_uuid())",
    );

    const result = await migrateDev('--name', 'no_audit');

    expect(result.output).toContain('  • You are about to drop the `audit_logs` table, which is not empty (1 rows).');
    expect(result.code).toBe(1);
  });
});

describe('a migration that loses nothing', () => {
  it('is checked on a read-only connection and then written and applied as usual', async () => {
    await changeSchema(['  displayName String   @map("display_name")', '$&\n  nickname    String?']);

    const result = await migrateDev('--name', 'optional_nickname');

    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain('Warnings');
    expect((await readdir(each.project.migrationsDir)).some((name) => name.endsWith('_optional_nickname'))).toBe(true);
    const [shape] = await shapeOfDatabase();
    expect(shape?.columns).toContain('users.nickname:text');
    expect(shape?.users).toBe('2');
  });
});
