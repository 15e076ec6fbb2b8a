/**
 * `npm run bench`: what isolation costs, measured side by side in one process
 * on one server. Prints a table and writes bench/results.json.
 *
 * BENCH_SAMPLES (default 50) sets the samples per row (at most 10 for the
 * exit delay); FIXTURES_PROVIDER picks the server for the hand-out, reset and
 * exit-delay rows, as in the test suite.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PrismaTestingHelper } from '@chax-at/transactional-prisma-testing';
import { createPrismaClient } from '../src/client/create-prisma-client.ts';
import { onDatabase } from '../src/config/database-url.ts';
import { PROVIDERS, type ProviderName } from '../src/harness/run/servers/provider.ts';
import { startRun } from '../src/harness/run/start-run.ts';
import { publishRunSetup, RUN_SETUP_VARIABLE, type RunSetup } from '../src/harness/shared/run-channel.ts';
import { ClonePool, copyStrategyFor } from '../src/harness/worker/clone-pool.ts';
import { closeRunPools } from '../src/harness/worker/pools.ts';
import { createTransactionSandbox } from '../src/harness/worker/reset/transaction.ts';
import { truncateAll } from '../src/harness/worker/reset/truncate.ts';
import { SchemaPool } from '../src/harness/worker/schema-pool.ts';
import { withDatabase } from '../src/harness/worker/with-database.ts';
import { quoteIdentifier } from '../src/sql/quote-identifier.ts';
import { withClient } from '../src/sql/with-client.ts';
import { commandExitDelay, exitDelay } from './support/exit-delay.ts';
import {
  handOutTime,
  interleaved,
  measure,
  type Row,
  ratioOfP50,
  report,
  rowOf,
  SAMPLES,
  timed,
  unavailable,
} from './support/measure.ts';
import { restoreSnapshotBesideOurs } from './support/peer-testcontainers.ts';
import { truncateEveryTable } from './support/truncate-every-table.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * withDatabase per call (hand-out, its client's first query, release)
 * against the bare floor on the same server: `CREATE DATABASE … TEMPLATE`,
 * a pg connection, the same query, `DROP`. Samples interleaved, so that both
 * see the same machine.
 */
async function withDatabaseBesideTheFloor(setup: RunSetup): Promise<Row[]> {
  publishRunSetup(setup); // withDatabase's pool is on this run's server
  const { adminUrl, template } = setup;
  // The first call starts the pool; a suite pays it once.
  await withDatabase(({ prisma }) => prisma.user.count());
  const [ours = [], floor = []] = await interleaved(
    SAMPLES,
    () => timed(() => withDatabase(({ prisma }) => prisma.user.count())),
    () =>
      timed(async () => {
        const name = `bench_${randomBytes(5).toString('hex')}`;
        await withClient(adminUrl, (client) =>
          client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`),
        );
        await withClient(onDatabase(adminUrl, name).toString(), (client) => client.query('SELECT count(*) FROM users'));
        await withClient(adminUrl, (client) => client.query(`DROP DATABASE ${quoteIdentifier(name)}`));
      }),
  );
  await closeRunPools();
  delete process.env[RUN_SETUP_VARIABLE];
  const call = rowOf('withDatabase per call: hand-out, first query, release (now)', ours);
  const bare = rowOf(
    'withDatabase per call, the floor: CREATE … TEMPLATE, connect, query, DROP',
    floor,
    'bare pg, same server',
  );
  return [{ ...call, note: `goal: ≤ 0.5× the floor: ${ratioOfP50(call, bare)}` }, bare];
}

/**
 * Our transaction reset beside `@chax-at/transactional-prisma-testing`'s, on
 * the same clone, interleaved; each sample a test that wrote one row. The
 * peer runs each test in a Prisma interactive transaction it ends by
 * throwing: `rollbackCurrentTransaction()` only lets that throw go (the
 * ROLLBACK is not awaited), so its reset is that call and the next
 * `startNewTransaction()`, whose BEGIN is awaited: what the next test waits for.
 */
async function transactionResetBesideThePeer(url: string): Promise<Row[]> {
  const newUser = () => ({ data: { email: `${randomBytes(6).toString('hex')}@bench.dev`, displayName: 'B' } });
  const sandbox = await createTransactionSandbox(url);
  await sandbox.begin();
  const peerClient = createPrismaClient({ url });
  const helper = new PrismaTestingHelper(peerClient);
  const proxy = helper.getProxyClient();
  // Prisma ends an interactive transaction after 5 s by default; a test may run longer.
  const options = { timeout: 60_000 };
  await helper.startNewTransaction(options);
  const [ours = [], theirs = []] = await interleaved(
    SAMPLES,
    async () => {
      await sandbox.prisma.user.create(newUser());
      return timed(async () => {
        await sandbox.rollback();
        await sandbox.begin();
      });
    },
    async () => {
      await proxy.user.create(newUser());
      return timed(async () => {
        helper.rollbackCurrentTransaction();
        await helper.startNewTransaction(options);
      });
    },
  );
  helper.rollbackCurrentTransaction();
  await Promise.all([sandbox.close(), peerClient.$disconnect()]);
  const peer = rowOf(
    'reset per test: @chax-at/transactional-prisma-testing 1.5.0 (peer: rollbackCurrentTransaction + startNewTransaction)',
    theirs,
    'same clone, interleaved; a test that wrote one row',
  );
  const row = rowOf('reset per test: transaction (rollback + begin: ROLLBACK; BEGIN in one round trip, now)', ours);
  return [{ ...row, note: `goal: ≤ 0.3 ms p50, and beat the peer: it takes ${ratioOfP50(peer, row)} this` }, peer];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const run = await startRun();
  const { adminUrl, template, provider, source } = run.setup;
  process.stderr.write(`Server: ${provider}; ${SAMPLES} samples a row.\n`);
  try {
    rows.push(
      await measure(
        'hand-out: fresh database + prisma migrate deploy (baseline)',
        async () => {
          const name = `bench_${randomBytes(5).toString('hex')}`;
          const elapsed = await timed(async () => {
            await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
            const deploy = spawnSync(process.execPath, ['src/cli/main.ts', 'prisma', 'migrate', 'deploy'], {
              cwd: PROJECT_ROOT,
              env: {
                ...process.env,
                FIXTURES_ENV_FILE: 'none',
                DATABASE_URL: onDatabase(adminUrl, name).toString(),
                FIXTURES_SCHEMA_ENGINE: 'wasm',
              },
            });
            if (deploy.status !== 0) throw new Error(`migrate deploy failed: ${deploy.stderr}`);
          });
          await withClient(adminUrl, (client) => client.query(`DROP DATABASE ${quoteIdentifier(name)} WITH (FORCE)`));
          return elapsed;
        },
        'what the old README advised: migrate every test database',
      ),
    );

    // A clone on the critical path, as the harness makes it on this server, beside the default copy, interleaved.
    const copyStrategy = copyStrategyFor(provider);
    const unpooled = await ClonePool.open({ adminUrl: new URL(adminUrl), template, size: 0, copyStrategy });
    const byDefault = await ClonePool.open({ adminUrl: new URL(adminUrl), template, size: 0 });
    const [ours = [], theDefault = []] = await interleaved(SAMPLES, handOutTime(unpooled), handOutTime(byDefault));
    rows.push(
      rowOf(`hand-out: template clone (${copyStrategy ?? 'WAL_LOG'}, now)`, ours, 'goal: ≤ 10 ms p50'),
      rowOf('hand-out: template clone, the default copy (WAL_LOG)', theDefault, 'the same, interleaved'),
    );
    await Promise.all([unpooled.close(), byDefault.close()]);

    const pooled = await ClonePool.open({ adminUrl: new URL(adminUrl), template, size: 2, copyStrategy });
    rows.push(
      await measure(
        'hand-out: pooled clone',
        async () => {
          // A test file runs for a while before the next asks; the pool refills meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 150));
          let name = '';
          const elapsed = await timed(async () => {
            name = (await pooled.acquire()).name;
          });
          await pooled.release(name);
          return elapsed;
        },
        '150 ms between hand-outs, as between test files',
      ),
    );

    rows.push(...(await withDatabaseBesideTheFloor(run.setup)));

    const unpooledSchemas = await SchemaPool.open({ adminUrl: new URL(adminUrl), source, size: 0 });
    rows.push(
      await measure(
        'hand-out: schema per file',
        async () => {
          let name = '';
          const elapsed = await timed(async () => {
            name = (await unpooledSchemas.acquire()).name;
          });
          await unpooledSchemas.release(name);
          return elapsed;
        },
        'a copy of the template schema: the migration scripts replayed, the history copied',
      ),
    );
    await unpooledSchemas.close();

    const pooledSchemas = await SchemaPool.open({ adminUrl: new URL(adminUrl), source, size: 2 });
    rows.push(
      await measure(
        'hand-out: pooled schema',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 150));
          let name = '';
          const elapsed = await timed(async () => {
            name = (await pooledSchemas.acquire()).name;
          });
          await pooledSchemas.release(name);
          return elapsed;
        },
        '150 ms between hand-outs, as between test files',
      ),
    );
    await pooledSchemas.close();

    const clone = await pooled.acquire();
    rows.push(...(await transactionResetBesideThePeer(clone.url)));
    // The floor: the same reset with no Prisma and no sandbox, as two round trips (the sandbox's way before).
    rows.push(
      await withClient(clone.url, async (client) => {
        await client.query('BEGIN');
        return measure(
          'reset per test: ROLLBACK, then BEGIN, on a bare pg connection (the floor, two round trips)',
          async () => {
            await client.query(
              `INSERT INTO users (email, display_name) VALUES ('${randomBytes(6).toString('hex')}@bench.dev', 'B')`,
            );
            return timed(async () => {
              await client.query('ROLLBACK');
              await client.query('BEGIN');
            });
          },
        );
      }),
    );

    const prisma = createPrismaClient({ url: clone.url });
    const truncateEvery = await truncateEveryTable(prisma);
    rows.push(
      await measure(
        'reset per test: truncate, one TRUNCATE of every table (before)',
        async () => {
          await prisma.user.create({
            data: { email: `${randomBytes(6).toString('hex')}@bench.dev`, displayName: 'B' },
          });
          return timed(truncateEvery);
        },
        'a test that wrote one row',
      ),
    );
    const truncate = await truncateAll(prisma);
    rows.push(
      await measure(
        'reset per test: truncate, DELETE while few rows (now)',
        async () => {
          await prisma.user.create({
            data: { email: `${randomBytes(6).toString('hex')}@bench.dev`, displayName: 'B' },
          });
          return timed(truncate);
        },
        'a test that wrote one row',
      ),
    );
    await prisma.$disconnect();
    rows.push(
      await measure(
        'exit delay: the command (seed:baseline), last output to process exit',
        () => commandExitDelay(clone.url),
        'the built command on a migrated clone',
        Math.min(SAMPLES, 10),
      ),
    );
    await pooled.release(clone.name);
    await pooled.close();
  } finally {
    await run.stop();
  }

  // Testcontainers' snapshot, on a container of its own: ours beside it on the same server.
  rows.push(...(await restoreSnapshotBesideOurs(SAMPLES)));

  const coldSamples = Number(process.env.BENCH_COLD_SAMPLES ?? SAMPLES);
  for (const candidate of PROVIDERS as readonly ProviderName[]) {
    if (candidate === 'external' && !process.env.TEST_DATABASE_URL) continue;
    try {
      rows.push(
        await measure(
          `cold start to first database: ${candidate}`,
          async () =>
            timed(async () => {
              const cold = await startRun({ ...process.env, FIXTURES_PROVIDER: candidate });
              const pool = await ClonePool.open({
                adminUrl: new URL(cold.setup.adminUrl),
                template: cold.setup.template,
                size: 0,
              });
              const first = await pool.acquire();
              await pool.release(first.name);
              await pool.close();
              await cold.stop();
            }),
          `server start, template (built or found), first clone, stop${candidate === 'embedded' || candidate === 'system' ? '; goal: ≤ 0.5 s p50' : ''}`,
          coldSamples,
        ),
      );
    } catch (error) {
      rows.push(unavailable(`cold start to first database: ${candidate}`, error));
    }
  }

  rows.push(
    await measure(
      'exit delay: withDatabase resolved to process exit',
      () => exitDelay(),
      'a script on its own server: the server stop included',
      // Each sample starts a server and builds a template: a few say enough.
      Math.min(SAMPLES, 10),
    ),
  );

  const baseline = rows[0]?.p50 ?? Number.NaN;
  const clone = rows[1]?.p50 ?? Number.NaN;
  const summary = { 'clone vs baseline (p50)': `${round(baseline / clone)}x faster` };
  report('Harness (npm run bench)', rows, new URL('results.json', import.meta.url), {
    date: new Date().toISOString(),
    provider: process.env.FIXTURES_PROVIDER ?? 'auto',
    summary,
  });
  process.stdout.write(`clone vs baseline (p50): ${summary['clone vs baseline (p50)']}\n`);
}

await main();
