/**
 * `node bench/suite.bench.ts`: issue 12's suite of 563 tests in 40 files, run
 * by real Vitest (`maxWorkers: 2`) from a consumer's project, with the `db`
 * fixture (a database per file, transaction reset) against the same tests on
 * one shared database with no isolation. The two sides alternate, on one
 * server, which both reach as a server of yours (`TEST_DATABASE_URL`): the
 * cold start of a throwaway server is its own row in harness.bench.ts.
 *
 * A third side runs the db fixture's files with each worker cloning its own
 * (the global setup before the run's ready clones), for the comparison, and
 * two more run both ways with Vitest's `isolate: false`.
 * While the toolkit's sides run, the bench counts the clones on the server
 * every 5 ms: the most at once, and how many were made in all.
 * BENCH_SUITE_RUNS (default 5) sets the runs a side. Writes bench/suite-results.json.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { onDatabase } from '../src/config/database-url.ts';
import { startRun } from '../src/harness/run/start-run.ts';
import { CLONE_PREFIX, READY_PREFIX } from '../src/harness/shared/names.ts';
import { quoteIdentifier } from '../src/sql/quote-identifier.ts';
import { withClient } from '../src/sql/with-client.ts';
import { interleaved, percentOverP50, type Row, report, rowOf, timed } from './support/measure.ts';
import {
  SUITE_FILES,
  SUITE_SIDES,
  SUITE_TESTS,
  SUITE_WORKERS,
  type SuiteProject,
  type SuiteSide,
  writeSuiteProject,
} from './support/suite-project.ts';

const RUNS = Number(process.env.BENCH_SUITE_RUNS ?? 5);
const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const TARGET_OVERHEAD = 0.1;
const TARGET_WAIT_P95 = 40;
const run$ = promisify(execFile);

/**
 * The clones on the server while `work` runs: the most at once, and how many
 * were made, counted by OID (a ready clone is renamed twice, and keeps its OID).
 */
async function watchingClones(adminUrl: string, work: () => Promise<void>): Promise<{ peak: number; seen: number }> {
  const seen = new Set<number>();
  let peak = 0;
  let done = false;
  const watching = withClient(adminUrl, async (client) => {
    while (!done) {
      const { rows } = await client.query<{ oid: number }>(
        'SELECT oid FROM pg_database WHERE starts_with(datname, $1) OR starts_with(datname, $2)',
        [CLONE_PREFIX, READY_PREFIX],
      );
      peak = Math.max(peak, rows.length);
      for (const { oid } of rows) seen.add(oid);
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
  /** Per file: from its setup file to its first test's start. */
  readonly waits: number[];
  /** Per file: of that wait, the imports; the rest is the hand-out of its database. */
  readonly imports: number[];
}

const results = (): SideResults => ({ walls: [], waits: [], imports: [] });

/** One `vitest run` of a side; its files' waits are added to `into`. */
async function runSide(project: SuiteProject, side: SuiteSide, env: NodeJS.ProcessEnv, into: SideResults) {
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
  const files = readFileSync(waitsFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { wait: number; imports: number });
  if (files.length !== SUITE_FILES) throw new Error(`The ${side} suite ran ${files.length} files of ${SUITE_FILES}.`);
  into.walls.push(wall);
  into.waits.push(...files.map(({ wait }) => wait));
  into.imports.push(...files.map(({ imports }) => imports));
  process.stderr.write(`  ${side}: ${Math.round(wall)} ms\n`);
  return wall;
}

async function main(): Promise<void> {
  const run = await startRun();
  const { adminUrl, template, provider } = run.setup;
  const project = writeSuiteProject();
  const shared = `bench_suite_shared_${process.pid}`;
  process.stderr.write(
    `Server: ${provider}; ${SUITE_TESTS} tests in ${SUITE_FILES} files, maxWorkers ${SUITE_WORKERS}; ${RUNS} runs a side.\n`,
  );
  const sides = Object.fromEntries(SUITE_SIDES.map((side) => [side, results()])) as Record<SuiteSide, SideResults>;
  const clones = Object.fromEntries(SUITE_SIDES.map((side) => [side, []])) as unknown as Record<
    SuiteSide,
    { peak: number; seen: number }[]
  >;
  try {
    await withClient(adminUrl, (client) =>
      client.query(`CREATE DATABASE ${quoteIdentifier(shared)} TEMPLATE ${quoteIdentifier(template)}`),
    );
    // The toolkit's sides reach the bench's server as a server of yours, with the copy a throwaway server uses.
    const isolatedEnv = { FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: adminUrl };
    const isShared = (side: SuiteSide) => side.startsWith('shared');
    const envOf = (side: SuiteSide) =>
      isShared(side) ? { BENCH_SHARED_URL: onDatabase(adminUrl, shared).toString() } : isolatedEnv;
    const sample = (side: SuiteSide) => async () => {
      if (isShared(side)) return runSide(project, side, envOf(side), sides[side]);
      let wall = 0;
      clones[side].push(
        await watchingClones(adminUrl, async () => {
          wall = await runSide(project, side, envOf(side), sides[side]);
        }),
      );
      return wall;
    };
    // Warm-up, not measured: the file system's caches, Vite's transforms.
    for (const side of SUITE_SIDES) await runSide(project, side, envOf(side), results());
    await interleaved(RUNS, ...SUITE_SIDES.map(sample));
  } finally {
    project.remove();
    await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(shared)}`));
    await run.stop();
  }

  const shape = `${SUITE_TESTS} tests, ${SUITE_FILES} files, maxWorkers ${SUITE_WORKERS}`;
  const [isolated, unready, none] = [
    rowOf(`suite (${shape}): the db fixture, transaction reset (now: the run's ready clones)`, sides.isolated.walls),
    rowOf(`suite (${shape}): the db fixture, each worker cloning its own (before)`, sides.unready.walls),
    rowOf(`suite (${shape}): no isolation, one shared database`, sides.shared.walls),
  ] as [Row, Row, Row];
  const [isolatedReused, noneReused] = [
    rowOf(
      `suite, Vitest's isolate: false (workers reused across files): the db fixture`,
      sides['isolated-reused'].walls,
    ),
    rowOf(`suite, Vitest's isolate: false: no isolation, one shared database`, sides['shared-reused'].walls),
  ] as [Row, Row];
  const handOuts = (side: SuiteSide) =>
    sides[side].waits.map((wait, index) => wait - (sides[side].imports[index] ?? 0));
  const waits = rowOf('first-test wait of a file: the db fixture (now)', sides.isolated.waits);
  const handOut = rowOf('  of which the hand-out (after the imports): now', handOuts('isolated'));
  const rows: Row[] = [
    { ...isolated, note: `goal: ≤ 10% over no isolation: ${percentOverP50(isolated, none)}%` },
    { ...unready, note: `${percentOverP50(unready, none)}% over no isolation` },
    none,
    { ...isolatedReused, note: `${percentOverP50(isolatedReused, noneReused)}% over no isolation with isolate: false` },
    noneReused,
    { ...waits, note: `goal: p95 ≤ ${TARGET_WAIT_P95} ms` },
    rowOf('  of which the imports: now', sides.isolated.imports),
    { ...handOut, note: `goal: p95 ≤ ${TARGET_WAIT_P95} ms` },
    rowOf('first-test wait of a file: the db fixture, each worker cloning its own (before)', sides.unready.waits),
    rowOf('  of which the hand-out: before', handOuts('unready')),
    rowOf('first-test wait of a file: no isolation', sides.shared.waits),
    rowOf('  of which the imports: no isolation', sides.shared.imports),
  ];
  const most = (side: SuiteSide, key: 'peak' | 'seen') => Math.max(...clones[side].map((c) => c[key]));
  const overhead = percentOverP50(isolated, none) / 100;
  const summary = {
    'overhead (p50)': `${percentOverP50(isolated, none)}% (goal ≤ ${TARGET_OVERHEAD * 100}%: ${overhead <= TARGET_OVERHEAD ? 'met' : 'not met'}); before: ${percentOverP50(unready, none)}%`,
    'first-test wait p95': `${waits.p95} ms, of which the hand-out ${handOut.p95} ms (goal ≤ ${TARGET_WAIT_P95} ms)`,
    'clones made a run (most)': `now ${most('isolated', 'seen')}, before ${most('unready', 'seen')}, for ${SUITE_FILES} files`,
    'with isolate: false': `${percentOverP50(isolatedReused, noneReused)}% over no isolation (${isolatedReused.p50} ms against ${noneReused.p50} ms)`,
    'clones at once (most)': `now ${most('isolated', 'peak')}, before ${most('unready', 'peak')} (goal ≤ workers + ready clones: ${SUITE_WORKERS * 2})`,
  };
  report(
    `The ${SUITE_TESTS}-test suite under Vitest: the db fixture against no isolation (${provider})`,
    rows,
    new URL('suite-results.json', import.meta.url),
    { date: new Date().toISOString(), provider, runs: RUNS, clones, summary },
  );
  process.stdout.write(
    `${Object.entries(summary)
      .map(([key, value]) => `${key}: ${value}`)
      .join('\n')}\n`,
  );
}

await main();
