/**
 * `npm run db:seed` / `npm run seed:baseline`: the baseline the old data layer
 * promised, idempotent by upsert, refusing a database it must not touch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/harness/run/servers/free-port.ts';
import { DATA_TABLES, emptyDatabase, migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { runNpm, runPrisma } from '../support/run-cli.ts';

/** One fingerprint of every row of every table: equal fingerprints, unchanged rows. */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of DATA_TABLES) {
    const [row] = await query<{ f: string }>(
      url,
      `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '') AS f FROM "${table}" t`,
    );
    result[table] = row?.f ?? '';
  }
  return result;
}

/** The summary line of `table`: created, updated, found. */
function summaryOf(output: string, table: string): number[] | undefined {
  const match = new RegExp(`^${table}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$`, 'm').exec(output);
  return match?.slice(1).map(Number);
}

describe('npm run db:seed', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await migratedDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('inserts the baseline: both accounts and one linked row in every other table', async () => {
    const result = await runPrisma(['db', 'seed'], { env: { DATABASE_URL: database.url } });

    expect(result.code, result.output).toBe(0);
    const users = await query(database.url, 'SELECT email, role FROM users ORDER BY email');
    const links = await query<{ n: number }>(
      database.url,
      `
      SELECT count(*)::int AS n FROM interactions i
        JOIN learning_sessions s ON s.id = i.session_id
        JOIN users l ON l.id = s.learner_id AND l.email = 'learner@ctoprojects.dev'
        JOIN generated_assets a ON a.id = i.asset_id
        JOIN user_feedback f ON f.asset_id = a.id AND f.user_id = l.id
        JOIN progress_metrics p ON p.user_id = l.id AND p.material_id = s.material_id
        JOIN audit_logs g ON g.entity_id = s.material_id`,
    );

    expect(users).toEqual([
      { email: 'admin@ctoprojects.dev', role: 'ADMIN' },
      { email: 'learner@ctoprojects.dev', role: 'LEARNER' },
    ]);
    expect(links[0]?.n).toBe(1);
    for (const [table, fingerprintOf] of Object.entries(await fingerprint(database.url))) {
      expect(Number(fingerprintOf.split(':')[0]), table).toBeGreaterThan(0);
    }
  });

  it('run again, changes no row and says it found everything', async () => {
    const before = await fingerprint(database.url);

    const result = await runPrisma(['db', 'seed'], { env: { DATABASE_URL: database.url } });

    expect(result.code, result.output).toBe(0);
    expect(summaryOf(result.stdout, 'users')).toEqual([0, 0, 2]);
    expect(summaryOf(result.stdout, 'audit_logs')).toEqual([0, 0, 1]);
    expect(await fingerprint(database.url)).toEqual(before);
  });

  it('writes back a baseline row that drifted, and only that one', async () => {
    const before = await fingerprint(database.url);
    await query(
      database.url,
      "UPDATE users SET display_name = 'Renamed by QA' WHERE email = 'learner@ctoprojects.dev'",
    );

    const result = await runNpm(['seed:baseline'], { env: { DATABASE_URL: database.url } });

    expect(result.code, result.output).toBe(0);
    expect(summaryOf(result.stdout, 'users')).toEqual([0, 1, 1]);
    expect(summaryOf(result.stdout, 'study_materials')).toEqual([0, 0, 1]);
    expect(await fingerprint(database.url)).toEqual(before);
  });

  it('refuses a database that was never migrated, says which command fixes it, and creates nothing', async () => {
    const empty = await emptyDatabase();
    try {
      const result = await runNpm(['seed:baseline'], { env: { DATABASE_URL: empty.url } });

      expect(result.code).toBe(3);
      expect(result.stderr).toContain('the database has no _prisma_migrations table: it was never migrated.');
      expect(result.stderr).toContain('Run npm run prisma:migrate:deploy against this database');
      expect(await query(empty.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
    } finally {
      await empty.drop();
    }
  });

  it('refuses a database missing a migration of prisma/migrations, and writes nothing', async () => {
    const behind = await migratedDatabase();
    try {
      await query(behind.url, 'DELETE FROM _prisma_migrations');

      const result = await runNpm(['seed:baseline'], { env: { DATABASE_URL: behind.url } });

      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/1 migration\(s\) not applied: \d+_init\./);
      expect(await query(behind.url, 'SELECT id FROM users')).toEqual([]);
    } finally {
      await behind.drop();
    }
  });

  it('run twice at once, both succeed and the baseline is there once', async () => {
    const fresh = await migratedDatabase();
    try {
      const runs = await Promise.all([1, 2].map(() => runPrisma(['db', 'seed'], { env: { DATABASE_URL: fresh.url } })));

      for (const run of runs) expect(run.code, run.output).toBe(0);
      expect(await fingerprint(fresh.url)).toEqual(await fingerprint(database.url));
    } finally {
      await fresh.drop();
    }
  });

  it('against a stopped server, says it is not reachable and to start it (exit 4), not to migrate', async () => {
    const port = await freePort(); // nothing listens there a moment later

    const result = await runNpm(['seed:baseline'], {
      env: { DATABASE_URL: `postgresql://postgres:hunter2@127.0.0.1:${port}/ctoprojects` },
    });

    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `Error: seeding the baseline: the server at 127.0.0.1:${port} (DATABASE_URL) is not reachable (connection refused). Nothing was written. Start your server, or check DATABASE_URL.`,
    );
    expect(result.output).not.toContain('migrate');
    expect(result.output).not.toContain('hunter2');
  });

  it("against db:up's server stopped, says to start it with npm run db:up", async () => {
    const port = await freePort();

    const result = await runNpm(['seed:baseline'], {
      env: {
        FIXTURES_DEV_PORT: String(port),
        DATABASE_URL: `postgresql://postgres:postgres@localhost:${port}/ctoprojects`,
      },
    });

    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `the server at localhost:${port} (DATABASE_URL) is not reachable (connection refused). Nothing was written. It is the development server: start it with npm run db:up.`,
    );
  });

  it('with a wrong password, says the login was refused and names the variable that won, not migrate deploy', async () => {
    const url = new URL(database.url);
    url.password = 'not-the-password';

    const result = await runNpm(['seed:baseline'], {
      env: { DATABASE_URL: database.url, DIRECT_DATABASE_URL: url.toString() },
    });

    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `the server at ${url.hostname}:${url.port} refused the user "${decodeURIComponent(url.username)}" (password authentication failed): check the user and password in DIRECT_DATABASE_URL. Nothing was written.`,
    );
    expect(result.output).not.toContain('migrate');
    expect(result.output).not.toContain('not-the-password');
  });

  it('refuses a server that is not on this machine unless told', async () => {
    const result = await runPrisma(['db', 'seed'], {
      env: { DATABASE_URL: 'postgresql://app:hunter2@db.production.example/ctoprojects' },
    });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'DATABASE_URL points at db.production.example, which is not this machine. Nothing was written. To seed it anyway, pass --allow-remote or set FIXTURES_SEED_ALLOW_REMOTE=1.',
    );
    expect(result.output).not.toContain('hunter2');
  });
});
