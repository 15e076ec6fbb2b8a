/**
 * A process that used the harness on its own exits as soon as its work is
 * done: nothing the harness leaves behind holds its event loop. Prisma's
 * WebAssembly engine used to leave a 10 s timer behind each migration.
 *
 * Each child starts its own throwaway server (embedded PostgreSQL) and builds
 * the template in-process, as a user's script or Vitest run does. A child
 * still alive after 60 s is killed, and the test fails: a hang detector, not
 * a timing target. The last test shows the unref'd timers still do their
 * work: the engine's lock timeout still fails a migration that waited too long.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { withClient } from '../../src/sql/with-client.ts';
import { emptyDatabase } from '../support/databases.ts';
import { runVitest } from '../support/nested-vitest.ts';
import { type CliResult, type RunOptions, runNode } from '../support/run-cli.ts';

const SCRIPT = fileURLToPath(new URL('fixtures/with-database-script.ts', import.meta.url));
const MIGRATE_SCRIPT = fileURLToPath(new URL('fixtures/apply-migrations-script.ts', import.meta.url));
/** The advisory lock Prisma's engine takes while it migrates a database. */
const MIGRATION_LOCK = 72707369;
const VITEST_CONFIG = fileURLToPath(new URL('fixtures/exit/vitest.config.ts', import.meta.url));

/** On a server of its own: not this run's (FIXTURES_HARNESS), nor the external server CI may point us at. */
const ON_ITS_OWN: RunOptions = {
  env: { FIXTURES_PROVIDER: 'embedded', FIXTURES_HARNESS: undefined, TEST_DATABASE_URL: undefined },
  timeoutMs: 60_000,
};

/** The JSON line the child printed with `key` in it. */
function reported(result: CliResult, key: string): { resources: string[] } {
  const line = result.stdout.split('\n').find((text) => text.startsWith(`{"${key}":`));
  if (!line) throw new Error(`The child printed no {"${key}": …} line (exit ${result.code}):\n${result.output}`);
  return JSON.parse(line) as { resources: string[] };
}

/** Whether another session of `holder`'s database waits for the migration lock. */
async function waitsForTheLock(holder: pg.Client): Promise<boolean> {
  const { rows } = await holder.query(
    `SELECT 1 FROM pg_locks JOIN pg_database d ON d.oid = pg_locks.database
     WHERE locktype = 'advisory' AND objid = ${MIGRATION_LOCK} AND NOT granted AND d.datname = current_database()`,
  );
  return rows.length > 0;
}

describe('a process that used the harness on its own', () => {
  it('holds no timer once withDatabase has resolved, and exits by itself', async () => {
    const result = await runNode([SCRIPT], ON_ITS_OWN);

    expect(result.code, result.output).toBe(0);
    const { resources } = reported(result, 'resolved');
    expect(resources, `still held by ${resources.join(', ')}`).not.toContain('Timeout');
  });

  it('holds no timer after the Vitest global setup has torn down, and exits by itself', async () => {
    const result = await runVitest(VITEST_CONFIG, [], ON_ITS_OWN);

    expect(result.code, result.output).toBe(0);
    const { resources } = reported(result, 'tornDown');
    expect(resources, `still held by ${resources.join(', ')}`).not.toContain('Timeout');
  });
});

describe("the engine's timers, unref'd", () => {
  it("still fire while the engine waits: a migration lock held past the engine's 10 s limit fails the migration", async () => {
    const database = await emptyDatabase();
    try {
      const result = await withClient(database.url, async (holder) => {
        // Prisma's migration lock, held as a concurrent `migrate deploy` would hold it.
        await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
        const child = runNode([MIGRATE_SCRIPT], { env: { MIGRATE_URL: database.url }, timeoutMs: 60_000 });
        let settled = false;
        void child.finally(() => {
          settled = true;
        });
        // The engine starts its 10 s timer before it asks for the lock, so 12 s after it waits, the timer has fired.
        await vi.waitUntil(async () => settled || (await waitsForTheLock(holder)), { timeout: 60_000, interval: 100 });
        if (!settled) await sleep(12_000);
        await holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
        return child;
      });

      expect(result.code, result.output).toBe(0);
      // The engine cannot cancel its lock query, so it reports the timeout once the query returns.
      expect(JSON.parse(result.stdout)).toEqual({
        applied: false,
        error: expect.stringContaining('Timed out trying to acquire a postgres advisory lock'),
      });
    } finally {
      await database.drop();
    }
  });
});
