/**
 * The Testcontainers peer: `@testcontainers/postgresql`'s `snapshot()` once,
 * then `restoreSnapshot()` before each test, beside our pooled hand-out and
 * our clone on the critical path, on the same container's server, the
 * samples interleaved.
 *
 * What a Testcontainers user does: migrate the container's database, take a
 * snapshot of it (a template database copied from it), and restore it before
 * each test: `DROP DATABASE … WITH (FORCE)`, then `CREATE DATABASE … TEMPLATE`,
 * each one a `psql` the library runs by `docker exec`. Ours get their
 * template on that same server from startRun, the container taken as an
 * external server.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { noDurabilityArgs } from '../../src/harness/run/servers/no-durability.ts';
import { startRun } from '../../src/harness/run/start-run.ts';
import { ClonePool, copyStrategyFor } from '../../src/harness/worker/clone-pool.ts';
import { handOutTime, interleaved, type Row, ratioOfP50, rowOf, timed, unavailable } from './measure.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** An image CI builds from this machine's PostgreSQL (.ci/build-postgres-image.sh): no registry is needed. */
const IMAGE = process.env.FIXTURES_POSTGRES_IMAGE || 'ctoprojects/postgres:15-local';
/** The container's data directory in memory, with no fsync, as the testcontainers provider runs it. */
const IN_MEMORY_DIR = '/var/lib/postgresql/in-memory';

const PEER = 'hand-out: Testcontainers restoreSnapshot() (peer, 12.2.0)';
const POOLED = 'hand-out: pooled clone, on the same container';
const CLONE = 'hand-out: template clone on the critical path, on the same container';

/** The three rows, or the three saying why they could not be measured (no Docker, no image). */
export async function restoreSnapshotBesideOurs(samples: number): Promise<Row[]> {
  try {
    return await measureOnContainer(samples);
  } catch (error) {
    return [PEER, POOLED, CLONE].map((name) => unavailable(name, error));
  }
}

async function measureOnContainer(samples: number): Promise<Row[]> {
  // Ryuk, Testcontainers' reaper, is an image to pull; the container is stopped below instead.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // Loaded here, so that a bench without Docker never pays the import.
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(IMAGE)
    .withEnvironment({ POSTGRES_INITDB_ARGS: '--no-sync', PGDATA: `${IN_MEMORY_DIR}/data` })
    .withTmpFs({ [IN_MEMORY_DIR]: 'rw,mode=1777' })
    .withCommand(['postgres', ...noDurabilityArgs()])
    .start();
  try {
    // The user's way: migrate the container's database (`test`), then snapshot it.
    const deploy = spawnSync(process.execPath, ['src/cli/main.ts', 'prisma', 'migrate', 'deploy'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        FIXTURES_ENV_FILE: 'none',
        DATABASE_URL: container.getConnectionUri(),
        FIXTURES_SCHEMA_ENGINE: 'wasm',
      },
    });
    if (deploy.status !== 0) throw new Error(`migrate deploy on the container failed: ${deploy.stderr}`);
    await container.snapshot();

    // Ours: the run's template on the same server, the clones copied as on a throwaway server.
    const adminUrl = new URL(container.getConnectionUri());
    adminUrl.pathname = '/postgres';
    const run = await startRun({ ...process.env, FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: adminUrl.href });
    const { template } = run.setup;
    const copyStrategy = copyStrategyFor('testcontainers');
    const unpooled = await ClonePool.open({ adminUrl, template, size: 0, copyStrategy });
    const pooled = await ClonePool.open({ adminUrl, template, size: 2, copyStrategy });
    try {
      const samplers = [
        () => timed(() => container.restoreSnapshot()),
        async () => {
          const elapsed = await handOutTime(pooled)();
          // A test file runs for a while before the next asks: the refill is done before the next sample.
          await sleep(150);
          return elapsed;
        },
        handOutTime(unpooled),
      ];
      // Two rounds unrecorded: the pool prepares clones ahead once asked twice, and a suite pays that once.
      await interleaved(2, ...samplers);
      const [restore = [], pooledTimes = [], cloneTimes = []] = await interleaved(samples, ...samplers);
      const peer = rowOf(PEER, restore, 'docker exec psql: DROP … WITH (FORCE), CREATE … TEMPLATE; same container');
      const ours = rowOf(POOLED, pooledTimes);
      const clone = rowOf(CLONE, cloneTimes);
      return [
        peer,
        { ...ours, note: `goal: beat the peer: restoreSnapshot() is ${ratioOfP50(peer, ours)} this` },
        { ...clone, note: `goal: beat the peer: restoreSnapshot() is ${ratioOfP50(peer, clone)} this` },
      ];
    } finally {
      await Promise.all([unpooled.close(), pooled.close()]);
      await run.stop();
    }
  } finally {
    await container.stop({ timeout: 0, remove: true, removeVolumes: true });
  }
}
