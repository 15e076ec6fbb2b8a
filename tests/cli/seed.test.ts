/**
 * `npm run db:seed`: the baseline the old data layer promised, idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_TABLES, migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { runPrisma } from '../support/run-cli.ts';

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
    expect(result.stdout).toMatch(/users\s+│ 0\s+│ 2/);
    expect(await fingerprint(database.url)).toEqual(before);
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

  it('refuses a server that is not on this machine unless told', async () => {
    const result = await runPrisma(['db', 'seed'], {
      env: { DATABASE_URL: 'postgresql://app:hunter2@db.production.example/ctoprojects' },
    });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'DATABASE_URL points at db.production.example, which is not this machine: set FIXTURES_SEED_ALLOW_REMOTE=1 to seed it anyway.',
    );
    expect(result.output).not.toContain('hunter2');
  });
});
