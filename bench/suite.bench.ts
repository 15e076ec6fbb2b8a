/**
 * `node bench/suite.bench.ts`: issue 12's suite of 563 tests in 40 files, run
 * by real Vitest (`maxWorkers: 2`) from a consumer's project, with the `db`
 * fixture (a database per file, transaction reset) against the same tests on
 * one shared database with no isolation. The two sides alternate, on one
 * server, which both reach as a server of yours (`TEST_DATABASE_URL`): the
 * cold start of a throwaway server is its own row in harness.bench.ts.
 *
 * While the toolkit's side runs, the bench counts the clones on the server
 * every 5 ms: the most at once, and how many were made in all.
 * BENCH_SUITE_RUNS (default 5) sets the runs a side. Writes bench/suite-results.json.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CLONE_PREFIX } from '../src/harness/harness-names.ts';
import { setUpRun } from '../src/harness/run-setup.ts';
import { quoteIdentifier } from '../src/sql/quote-identifier.ts';
import { withClient } from '../src/sql/with-client.ts';
import { interleaved, type Row, report, rowOf, timed } from './support/measure.ts';
import {
  SUITE_FILES,
  SUITE_TESTS,
  SUITE_WORKERS,
  type SuiteProject,
  writeSuiteProject,
} from './support/suite-project.ts';

const RUNS = Number(process.env.BENCH_SUITE_RUNS ?? 5);
const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const TARGET_OVERHEAD = 0.1;
const TARGET_WAIT_P95 = 40;
const run$ = promisify(execFile);

const urlFor = (adminUrl: string, name: string) =>
  Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();

/** The clones on the server while `work` runs: the most at once, and every name seen. */
async function watchingClones(adminUrl: string, work: () => Promise<void>): Promise<{ peak: number; seen: number }> {
  const seen = new Set<string>();
  let peak = 0;
  let done = false;
  const watching = withClient(adminUrl, async (client) => {
    while (!done) {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
        [CLONE_PREFIX],
      );
      peak = Math.max(peak, rows.length);
      for (const { datname } of rows) seen.add(datname);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  try {
    await work();
  } finally {
    done = true;
    await watching;
  }
  return { peak, seen: seen.size };
}

interface SideResults {
  readonly walls: number[];
  readonly waits: number[];
}

/** One `vitest run` of a side; its files' first-test waits are added to `into.waits`. */
async function runSide(project: SuiteProject, side: 'isolated' | 'shared', env: NodeJS.ProcessEnv, into: SideResults) {
  const waitsFile = join(project.waitsDir, 'waits.jsonl');
  rmSync(waitsFile, { force: true });
  const wall = await timed(async () => {
    try {
      await run$(process.execPath, [VITEST, 'run', '--config', project.configOf(side), '--root', project.root], {
        cwd: project.root,
        env: { ...process.env, ...env, CI: '1' },
        maxBuffer: 64 * 2 ** 20,
      });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`The ${side} suite failed:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
    }
  });
  const waits = readFileSync(waitsFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { wait: number }).wait);
  if (waits.length !== SUITE_FILES) throw new Error(`The ${side} suite ran ${waits.length} files of ${SUITE_FILES}.`);
  into.walls.push(wall);
  into.waits.push(...waits);
  return wall;
}

async function main(): Promise<void> {
  const run = await setUpRun();
  const { adminUrl, template, provider } = run.setup;
  const project = writeSuiteProject();
  const shared = `bench_suite_shared_${process.pid}`;
  process.stderr.write(
    `Server: ${provider}; ${SUITE_TESTS} tests in ${SUITE_FILES} files, maxWorkers ${SUITE_WORKERS}; ${RUNS} runs a side.\n`,
  );
  const isolated: SideResults = { walls: [], waits: [] };
  const none: SideResults = { walls: [], waits: [] };
  const clones: { peak: number; seen: number }[] = [];
  try {
    await withClient(adminUrl, (client) =>
      client.query(`CREATE DATABASE ${quoteIdentifier(shared)} TEMPLATE ${quoteIdentifier(template)}`),
    );
    const isolatedEnv = { FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: adminUrl };
    const sharedEnv = { BENCH_SHARED_URL: urlFor(adminUrl, shared) };
    // Warm-up, not measured: the file system's caches, Vite's transforms.
    await runSide(project, 'isolated', isolatedEnv, { walls: [], waits: [] });
    await runSide(project, 'shared', sharedEnv, { walls: [], waits: [] });
    await interleaved(
      RUNS,
      async () => {
        let wall = 0;
        clones.push(
          await watchingClones(adminUrl, async () => {
            wall = await runSide(project, 'isolated', isolatedEnv, isolated);
          }),
        );
        process.stderr.write(`  isolated: ${Math.round(wall)} ms, clones ${JSON.stringify(clones.at(-1))}\n`);
        return wall;
      },
      async () => {
        const wall = await runSide(project, 'shared', sharedEnv, none);
        process.stderr.write(`  shared: ${Math.round(wall)} ms\n`);
        return wall;
      },
    );
  } finally {
    project.remove();
    await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(shared)}`));
    await run.teardown();
  }

  const shape = `${SUITE_TESTS} tests, ${SUITE_FILES} files, maxWorkers ${SUITE_WORKERS}`;
  const rows: Row[] = [
    rowOf(`suite (${shape}): the db fixture, transaction reset`, isolated.walls),
    rowOf(`suite (${shape}): no isolation, one shared database`, none.walls),
  ];
  const waits = rowOf('first-test wait of a file: the db fixture', isolated.waits, `goal: p95 ≤ ${TARGET_WAIT_P95} ms`);
  rows.push(waits, rowOf('first-test wait of a file: no isolation', none.waits));
  const [withIsolation, without] = rows as [Row, Row];
  const overhead = (withIsolation.p50 - without.p50) / without.p50;
  const peak = Math.max(...clones.map((c) => c.peak));
  const made = Math.max(...clones.map((c) => c.seen));
  const summary = {
    'overhead (p50)': `${Math.round(overhead * 1000) / 10}% (goal ≤ ${TARGET_OVERHEAD * 100}%: ${overhead <= TARGET_OVERHEAD ? 'met' : 'not met'})`,
    'first-test wait p95': `${waits.p95} ms (goal ≤ ${TARGET_WAIT_P95} ms: ${waits.p95 <= TARGET_WAIT_P95 ? 'met' : 'not met'})`,
    'clones made a run (most)': `${made} for ${SUITE_FILES} files (goal: none unused: ${made <= SUITE_FILES ? 'met' : 'not met'})`,
    'clones at once (most)': `${peak} (goal ≤ workers + pool size)`,
  };
  report(
    `The 563-test suite under Vitest: the db fixture against no isolation (${provider})`,
    rows,
    new URL('suite-results.json', import.meta.url),
    {
      date: new Date().toISOString(),
      provider,
      runs: RUNS,
      clones,
      summary,
    },
  );
  process.stdout.write(
    `${Object.entries(summary)
      .map(([key, value]) => `${key}: ${value}`)
      .join('\n')}\n`,
  );
}

await main();
