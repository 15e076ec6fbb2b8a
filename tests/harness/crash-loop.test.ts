/**
 * Processes killed with SIGKILL at random moments leave nothing behind for
 * good: one normal run afterwards reaps every database, schema, cluster,
 * port and password file they left, and leaves foreign look-alikes as they
 * were. Real processes, real kills: a script that takes and gives back
 * databases and schemas (clone-loop-script.ts), on this run's server and on
 * throwaway clusters of their own, and real Vitest runs of files on the `db`
 * fixture, killed anywhere from their global setup to their last test. The moments are random, and
 * each failure message lists them.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it, vi } from 'vitest';
import { reapAbandonedDatabases } from '../../src/harness/run/reaper.ts';
import { clusterParents } from '../../src/harness/run/servers/cluster-directory.ts';
import { ensureTemplate } from '../../src/harness/run/template.ts';
import { processIsAlive } from '../../src/harness/shared/abandoned.ts';
import { parseDatabaseMarker } from '../../src/harness/shared/database-marker.ts';
import { withClient } from '../../src/sql/with-client.ts';
import { query, serverUrlFor } from '../support/databases.ts';
import { startVitest } from '../support/nested-vitest.ts';
import { ownDataModel } from '../support/own-data-model.ts';
import { type RunOptions, runNode, startNode } from '../support/run-cli.ts';

const SCRIPT = fileURLToPath(new URL('fixtures/clone-loop-script.ts', import.meta.url));
const VITEST_CONFIG = fileURLToPath(new URL('fixtures/workers/vitest.config.ts', import.meta.url));
const KILLS = 5;

const onTheRunsServer = (env: Record<string, string> = {}): RunOptions => ({
  env: {
    FIXTURES_PROVIDER: 'external',
    TEST_DATABASE_URL: inject('serverUrl'),
    FIXTURES_HARNESS: undefined,
    FIXTURES_TEST_ISOLATIONS: 'database,schema',
    ...env,
  },
  timeoutMs: 60_000,
});
const onItsOwnCluster: RunOptions = {
  env: { FIXTURES_PROVIDER: 'embedded', FIXTURES_HARNESS: undefined, TEST_DATABASE_URL: undefined },
  timeoutMs: 60_000,
};

/** Databases and schemas on the run's server whose name carries one of `pids` (as an owner tag or an old-style pid). */
async function leftBy(pids: readonly number[]): Promise<string[]> {
  const rows = await query<{ name: string }>(
    inject('serverUrl'),
    `SELECT datname AS name FROM pg_database WHERE datname LIKE 'fixtures\\_%'
     UNION ALL SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fixtures\\_%'`,
  );
  return rows.map(({ name }) => name).filter((name) => pids.some((pid) => name.includes(`_${pid}_`)));
}

/** Cluster and password directories whose name carries one of `pids`. */
function directoriesOf(pids: readonly number[]): string[] {
  return [...new Set([...clusterParents(), tmpdir()])].flatMap((parent) =>
    readdirSync(parent)
      .filter((name) => name.startsWith('fixtures-pg-') && pids.some((pid) => name.includes(`_${pid}_`)))
      .map((name) => join(parent, name)),
  );
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Port and postmaster of each cluster directory that has a server's pid file. */
function serversIn(roots: readonly string[]): { port: number; postmaster: number }[] {
  return roots.flatMap((root) => {
    try {
      const lines = readFileSync(join(root, 'data', 'postmaster.pid'), 'utf8').split('\n');
      return [{ postmaster: Number(lines[0]), port: Number(lines[3]) }];
    } catch {
      return [];
    }
  });
}

/** Foreign look-alikes of the harness's names, with rows, which no run may touch. */
async function plantLookalikes(): Promise<{ names: string[]; intact(): Promise<boolean>; remove(): Promise<void> }> {
  const suffix = randomBytes(4).toString('hex');
  const database = `fixtures_db_lookalike_${suffix}`;
  const schema = `fixtures_schema_lookalike_${suffix}`;
  await withClient(inject('serverUrl'), async (client) => {
    await client.query(`CREATE DATABASE ${database}`);
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE TABLE ${schema}.learners AS SELECT generate_series(1, 100) AS id`);
  });
  await query(serverUrlFor(database), 'CREATE TABLE learners AS SELECT generate_series(1, 100) AS id');
  const count = async (url: string, table: string) =>
    (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`))[0]?.n;
  return {
    names: [database, schema],
    intact: async () =>
      (await count(serverUrlFor(database), 'learners')) === 100 &&
      (await count(inject('serverUrl'), `${schema}.learners`)) === 100,
    remove: () =>
      withClient(inject('serverUrl'), async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      }),
  };
}

const randomMs = (max: number) => Math.floor(Math.random() * max);

describe('a clone whose process was killed while PostgreSQL created it', () => {
  it('is finished by PostgreSQL, never marked, and still reaped by the next run', async () => {
    // A template of its own: the connection held on it below would stall every other clone of it.
    const model = await ownDataModel();
    try {
      const { name: template } = await ensureTemplate(new URL(inject('serverUrl')), model.source);
      const child = await withClient(serverUrlFor(template), async () => {
        // CREATE DATABASE … TEMPLATE waits (up to 5 s) for the template's other sessions: this one.
        const started = startNode([SCRIPT], onTheRunsServer({ FIXTURES_TEST_DATA_MODEL: model.dir }));
        await vi.waitUntil(
          async () =>
            (
              await query(
                inject('serverUrl'),
                `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE DATABASE %TEMPLATE "${template}"'`,
              )
            ).length > 0,
          { timeout: 30_000, interval: 20 },
        );
        started.child.kill('SIGKILL');
        await started.result;
        return started.child.pid as number;
      });
      // Its client is gone, and the connection on the template too: PostgreSQL completes the copy anyway.
      await vi.waitUntil(async () => (await leftBy([child])).some((name) => name.startsWith('fixtures_db_')), {
        timeout: 10_000,
        interval: 50,
      });
      const [clone] = (await leftBy([child])).filter((name) => name.startsWith('fixtures_db_'));
      const [{ comment }] = (await query<{ comment: string | null }>(
        inject('serverUrl'),
        `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = '${clone}'`,
      )) as [{ comment: string | null }];
      expect(parseDatabaseMarker(comment)).toBeUndefined();

      await reapAbandonedDatabases(new URL(inject('serverUrl')));

      // Checked on the server, not in what this call reaped: another file's run on this server may reap it first.
      expect(await leftBy([child])).toEqual([]);
    } finally {
      await model.remove();
    }
  });
});

describe(`${KILLS} processes killed at random moments`, () => {
  it("on the run's server: one normal run later, nothing of theirs is left, and the look-alikes are intact", async () => {
    const lookalikes = await plantLookalikes();
    const kills: { pid: number; afterMs: number }[] = [];
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const started = startNode([SCRIPT], onTheRunsServer());
        await started.line(/^\{"ready"/);
        const afterMs = randomMs(600);
        await sleep(afterMs);
        started.child.kill('SIGKILL');
        await started.result;
        kills.push({ pid: started.child.pid as number, afterMs });
      }
      const pids = kills.map(({ pid }) => pid);
      const before = await leftBy(pids);

      const normal = await runNode([SCRIPT], onTheRunsServer({ FIXTURES_TEST_ROUNDS: '4' }));

      expect(normal.stdout, normal.output).toContain('{"done":true}');
      const context = `kills ${JSON.stringify(kills)}, left before the normal run: ${before.join(', ') || 'nothing'}`;
      expect(await leftBy(pids), context).toEqual([]);
      expect(await lookalikes.intact(), context).toBe(true);
    } finally {
      await lookalikes.remove();
    }
  });

  it('on throwaway clusters of their own: one normal run later, no cluster, port or password file of theirs is left', async () => {
    const kills: { pid: number; afterMs: number }[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const started = startNode([SCRIPT], onItsOwnCluster);
      // From the start: during initdb, the server's start, the template's build or a clone.
      const afterMs = 300 + randomMs(2500);
      await Promise.race([sleep(afterMs), started.result]);
      started.child.kill('SIGKILL');
      await started.result;
      kills.push({ pid: started.child.pid as number, afterMs });
    }
    const pids = kills.map(({ pid }) => pid);
    const left = directoriesOf(pids);
    const servers = serversIn(left);

    const normal = await runNode([SCRIPT], {
      ...onItsOwnCluster,
      env: { ...onItsOwnCluster.env, FIXTURES_TEST_ROUNDS: '2' },
    });

    expect(normal.stdout, normal.output).toContain('{"done":true}');
    const context = `kills ${JSON.stringify(kills)}, left before the normal run: ${left.join(', ') || 'nothing'}`;
    expect(directoriesOf(pids), context).toEqual([]);
    for (const { port, postmaster } of servers) {
      expect(processIsAlive(postmaster), `${context}; postmaster ${postmaster}`).toBe(false);
      expect(await portIsFree(port), `${context}; port ${port}`).toBe(true);
    }
  });

  it("real Vitest runs, on the run's server: one normal run later, nothing of theirs is left", async () => {
    // Each file takes a database or a schema of its own through the db fixture, as a suite's files do.
    const dir = await mkdtemp(join(fileURLToPath(new URL('fixtures/workers/', import.meta.url)), 'killed-'));
    const lookalikes = await plantLookalikes();
    const kills: { pid: number; afterMs: number }[] = [];
    try {
      for (const [file, isolation] of ['database', 'schema', 'database', 'schema'].entries()) {
        await writeFile(
          join(dir, `file-${file}.fixture.ts`),
          `import { expect, test as fixturesTest } from '@ctoprojects/fixtures/vitest';
const test = fixturesTest.override({ dbIsolation: '${isolation}' });
test('writes a row', async ({ db }) => {
  await db.prisma.user.create({ data: { email: 'f${file}@ctoprojects.dev', displayName: 'F' } });
  expect(await db.prisma.user.count()).toBe(1);
});
`,
        );
      }
      for (let kill = 0; kill < KILLS; kill++) {
        const started = startVitest(VITEST_CONFIG, ['--maxWorkers=2'], {
          env: { ...onTheRunsServer().env, FIXTURES_TEST_FILES_DIR: dir },
          timeoutMs: 60_000,
        });
        // From the start: the global setup, the template's lookup, the workers' pools, the files.
        const afterMs = 200 + randomMs(2500);
        await Promise.race([sleep(afterMs), started.result]);
        started.child.kill('SIGKILL');
        await started.result;
        kills.push({ pid: started.child.pid as number, afterMs });
      }
      const pids = kills.map(({ pid }) => pid);
      const before = await leftBy(pids);

      const normal = await runNode([SCRIPT], onTheRunsServer({ FIXTURES_TEST_ROUNDS: '2' }));

      expect(normal.stdout, normal.output).toContain('{"done":true}');
      const context = `kills ${JSON.stringify(kills)}, left before the normal run: ${before.join(', ') || 'nothing'}`;
      // A worker orphaned by its main process's death may still be dropping what it had; give it a moment.
      await vi
        .waitUntil(async () => (await leftBy(pids)).length === 0, { timeout: 15_000, interval: 250 })
        .catch(() => {});
      expect(await leftBy(pids), context).toEqual([]);
      expect(await lookalikes.intact(), context).toBe(true);
    } finally {
      await lookalikes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
