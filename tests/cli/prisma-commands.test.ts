/**
 * Every command of the README's table, run through the real Prisma CLI (the
 * script behind `npm run prisma:*`) against a real PostgreSQL, with no
 * download: the offline engine serves.
 *
 * The tests are one story, in order, on one database and one scratch copy
 * of the project, the way a developer meets the commands: deploy, check
 * status, change the schema, reset, break a migration.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/harness/run/servers/free-port.ts';
import { DATA_TABLES, emptyDatabase, query, type TestDatabase } from '../support/databases.ts';
import { runPrisma } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';

/** The page at `url` once it answers; fails at once, with what it printed, if `server` exits first. */
async function pollForPage(
  url: string,
  timeoutMs: number,
  server: ChildProcess,
  output: () => string,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(
        `The server for ${url} exited (${server.exitCode ?? server.signalCode}) before serving it:\n${output()}`,
      );
    }
    try {
      const response = await fetch(url);
      if (response.ok) return await response.text();
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Nothing served ${url} within ${timeoutMs} ms (last: ${last}). The server printed:\n${output()}`);
}

const tableNames = (url: string) =>
  query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").then(
    (rows) => rows.map((row) => row.tablename),
  );

describe('the Prisma CLI, offline', () => {
  let project: ScratchProject;
  let database: TestDatabase;
  const env = () => ({ DATABASE_URL: database.url });

  let shadowsBefore: string[];
  const shadowDatabases = () =>
    query<{ datname: string }>(
      database.url,
      "SELECT datname FROM pg_database WHERE datname LIKE 'prisma\\_migrate\\_shadow\\_db\\_%'",
    ).then((rows) => rows.map((row) => row.datname));

  beforeAll(async () => {
    project = await scratchProject();
    database = await emptyDatabase();
    shadowsBefore = await shadowDatabases(); // a shared server may hold others'; only ours count
  });

  afterAll(async () => {
    await database.drop();
    await project.remove();
  });

  it('runs on the offline engine when no native engine is installed', async () => {
    const result = await runPrisma(['--version'], { cwd: project.dir });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Schema Engine\s+: schema-engine-wasm [0-9a-f]{40}/);
  });

  it('format leaves the committed schema as it is and rewrites a messy one', async () => {
    const committed = await runPrisma(['format', '--check'], { cwd: project.dir });
    expect(committed.code, committed.output).toBe(0);

    const tidy = await project.readSchema();
    await project.writeSchema(
      tidy.replace('  displayName String   @map("display_name")', 'displayName    String @map("display_name")'),
    );
    const formatted = await runPrisma(['format'], { cwd: project.dir });

    expect(formatted.code, formatted.output).toBe(0);
    expect(await project.readSchema()).toBe(tidy);
  });

  it('validate accepts the schema and names the line of a mistake', async () => {
    expect((await runPrisma(['validate'], { cwd: project.dir })).code).toBe(0);

    const tidy = await project.readSchema();
    await project.writeSchema(
      tidy.replace('role        UserRole @default(LEARNER)', 'role        UserRol @default(LEARNER)'),
    );
    const broken = await runPrisma(['validate'], { cwd: project.dir });
    await project.writeSchema(tidy);

    expect(broken.code).not.toBe(0);
    expect(broken.output).toContain('Type "UserRol" is neither a built-in type, nor refers to another model');
    expect(broken.output).toMatch(/schema\.prisma:\d+/);
  });

  it('generate writes a typed client', async () => {
    const result = await runPrisma(['generate'], { cwd: project.dir });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Generated Prisma Client (7.10.0)');
    expect(existsSync(join(project.dir, 'src', 'generated', 'prisma', 'client.ts'))).toBe(true);
  });

  it('migrate deploy applies every migration to an empty database and records it', async () => {
    const result = await runPrisma(['migrate', 'deploy'], { cwd: project.dir, env: env() });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('All migrations have been successfully applied.');
    expect(await tableNames(database.url)).toEqual(['_prisma_migrations', ...DATA_TABLES]);
    const [applied] = await query<{ migration_name: string; finished_at: Date | null; checksum: string }>(
      database.url,
      'SELECT migration_name, finished_at, checksum FROM _prisma_migrations',
    );
    expect(applied?.migration_name).toMatch(/^\d{14}_init$/);
    expect(applied?.finished_at).toBeInstanceOf(Date);
    expect(applied?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('migrate status reports the database up to date', async () => {
    const result = await runPrisma(['migrate', 'status'], { cwd: project.dir, env: env() });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Database schema is up to date!');
  });

  it('migrate dev --name creates the next migration from a schema change and applies it', async () => {
    const schema = await project.readSchema();
    await project.writeSchema(schema.replace(/(model User \{\n)/, '$1  nickname    String?\n'));

    const result = await runPrisma(['migrate', 'dev', '--name', 'add_nickname'], { cwd: project.dir, env: env() });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Your database is now in sync with your schema.');
    expect(result.output).toContain('Generated Prisma Client'); // the old data layer's promise, kept
    const created = (await readdir(project.migrationsDir)).find((name) => name.endsWith('_add_nickname'));
    expect(created).toMatch(/^\d{14}_add_nickname$/);
    const sql = await readFile(join(project.migrationsDir, created as string, 'migration.sql'), 'utf8');
    expect(sql).toBe('-- AlterTable\nALTER TABLE "users" ADD COLUMN     "nickname" TEXT;\n');
    const columns = await query<{ column_name: string }>(
      database.url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'",
    );
    expect(columns).toHaveLength(1);
  });

  it('migrate dev with nothing to change says so and creates nothing', async () => {
    const before = await readdir(project.migrationsDir);
    const result = await runPrisma(['migrate', 'dev', '--name', 'nothing'], { cwd: project.dir, env: env() });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Already in sync');
    expect(await readdir(project.migrationsDir)).toEqual(before);
  });

  it('migrate dev warns before a migration drops data', async () => {
    await query(
      database.url,
      "INSERT INTO users (email, display_name, nickname) VALUES ('a@ctoprojects.dev', 'A', 'nick')",
    );
    const schema = await project.readSchema();
    await project.writeSchema(schema.replace('  nickname    String?\n', ''));

    const result = await runPrisma(['migrate', 'dev', '--name', 'drop_nickname'], {
      cwd: project.dir,
      env: env(),
    }).finally(() => project.writeSchema(schema));

    expect(result.output).toContain(
      'You are about to drop the column `nickname` on the `users` table, which still contains 1 non-null values.',
    );
    expect(result.code).not.toBe(0); // not a TTY and no --force: Prisma refuses rather than lose data
  });

  it('migrate reset --force drops everything and re-applies the migrations', async () => {
    expect(await query(database.url, 'SELECT 1 FROM users')).toHaveLength(1);

    const result = await runPrisma(['migrate', 'reset', '--force'], { cwd: project.dir, env: env() });

    expect(result.code, result.output).toBe(0);
    expect(await query(database.url, 'SELECT 1 FROM users')).toHaveLength(0);
    const applied = await query<{ migration_name: string }>(
      database.url,
      'SELECT migration_name FROM _prisma_migrations',
    );
    expect(applied.map((row) => row.migration_name.replace(/^\d{14}_/, '')).sort()).toEqual(['add_nickname', 'init']);
  });

  it('studio starts and serves its page on the database', async () => {
    // A port the system hands out: a random one in the ephemeral range could be any test's outgoing connection.
    const port = await freePort();
    const studio = spawn(
      process.execPath,
      [join(project.dir, 'src/cli/main.ts'), 'prisma', 'studio', '--port', String(port), '--browser', 'none'],
      { cwd: project.dir, env: { ...process.env, FIXTURES_ENV_FILE: 'none', DATABASE_URL: database.url } },
    );
    try {
      let output = '';
      studio.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      studio.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const page = await pollForPage(`http://127.0.0.1:${port}/`, 60_000, studio, () => output.slice(-4000));
      // The page's own backend call: Studio runs every query through POST /bff.
      const answer = await fetch(`http://127.0.0.1:${port}/bff`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          procedure: 'query',
          query: { sql: 'SELECT current_database() AS name', parameters: [] },
        }),
      });

      expect(page).toContain('window.__STUDIO_CONFIG__ = {"adapter":"postgres"}');
      expect(await answer.json()).toEqual([null, [{ name: database.name }]]);
    } finally {
      studio.kill('SIGTERM');
    }
  });

  it('leaves no shadow database behind', async () => {
    // Other files' migrate dev runs make shadows of their own on this server; each lives a few seconds.
    // One of ours left behind would stay for good.
    const deadline = Date.now() + 30_000;
    let left = await shadowDatabases();
    while (left.some((name) => !shadowsBefore.includes(name)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await shadowDatabases();
    }
    expect(left.filter((name) => !shadowsBefore.includes(name))).toEqual([]);
  });

  it('a migration that fails half-way names the migration and line, and applies none of it', async () => {
    const failing = join(project.migrationsDir, '29990101000000_broken');
    await mkdir(failing);
    await writeFile(
      join(failing, 'migration.sql'),
      'CREATE TABLE "half_done" ("id" INT);\n\nALTER TABLE "no_such_table" ADD COLUMN "x" INT;\n',
    );

    const result = await runPrisma(['migrate', 'deploy'], { cwd: project.dir, env: env() });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('29990101000000_broken');
    expect(result.output).toContain('relation "no_such_table" does not exist');
    expect(result.output).toContain('line 3');
    expect(await tableNames(database.url)).not.toContain('half_done');
  });
});
