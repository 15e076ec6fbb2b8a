/**
 * `node bench/examples.bench.ts`: the example suite's wall time with the
 * toolkit's isolation against the same suite with none, side by side in one
 * process on one server. Prints a table and writes bench/examples-results.json.
 *
 * Both sides run the same scenarios (examples/study-progress/scenarios.ts),
 * grouped in the files that run them under Vitest, in the same order:
 * - isolated: what the `db` fixture does per file (a pooled clone, a client,
 *   the file's reset after each test, the clone dropped at the end), and a
 *   `withDatabase` call per test for the withDatabase file;
 * - no isolation: every file on one shared database, migrated before the
 *   clock starts and never cleaned, with a client per file, as a suite that
 *   opens its own client in each test file would.
 * Files run one after another on both sides: the comparison prices the
 * isolation, not Vitest's parallelism. The two sides alternate, sample by
 * sample, so that a busy moment of the machine falls on both.
 *
 * BENCH_SAMPLES (default 20) sets the samples a row; FIXTURES_PROVIDER picks
 * the server, as in the test suite.
 */
import { createFactories, createPrismaClient, withDatabase } from '@ctoprojects/fixtures';
import * as scenarios from '../examples/study-progress/scenarios.ts';
import { startRun } from '../src/harness/run/start-run.ts';
import { publishRunSetup } from '../src/harness/shared/run-channel.ts';
import { ClonePool } from '../src/harness/worker/clone-pool.ts';
import { createDatabaseContext } from '../src/harness/worker/database-context.ts';
import { runPool } from '../src/harness/worker/pools.ts';
import { FileDatabase, type ResetMode } from '../src/vitest/file-database.ts';
import { type Row, report, timed } from './support/measure.ts';

/** Fewer than `npm run bench`'s 50 by default: one sample is a whole suite, twice. */
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const RESULTS = new URL('examples-results.json', import.meta.url);
/** The overhead the harness issue allows over no isolation. */
const TARGET_OVERHEAD = 0.3;

type Scenario = scenarios.Scenario;

interface SuiteFile {
  readonly file: string;
  /** The file's reset under the `db` fixture, or a `withDatabase` call per test. */
  readonly reset: Exclude<ResetMode, 'none'> | 'withDatabase';
  readonly tests: readonly Scenario[];
}

/** The test files of examples/study-progress and the scenarios each runs, in order. */
const SUITE: readonly SuiteFile[] = [
  {
    file: 'db-fixture.test.ts',
    reset: 'transaction',
    tests: [
      scenarios.recordsAnInteractionInAnActiveSession,
      scenarios.refusesAnInteractionInAFinishedSession,
      scenarios.completingASessionScoresItsAnswersAndAuditsIt,
      scenarios.completingTwiceIsRefusedAndChangesNothing,
      scenarios.aSecondRatingReplacesTheFirst,
      scenarios.anOutOfRangeRatingIsRefusedBeforeAnyWrite,
    ],
  },
  {
    file: 'traits.test.ts',
    reset: 'transaction',
    tests: [
      scenarios.progressRollsUpCompletedSessions,
      scenarios.aRollUpUpdatesExistingMetricsInPlace,
      scenarios.coverageCountsDistinctChunksViewed,
      scenarios.aLearnerBuiltInMemoryCanStudy,
    ],
  },
  {
    file: 'baseline.test.ts',
    reset: 'transaction',
    tests: [scenarios.theDemoLearnerProgressesFromTheBaseline, scenarios.seedingTheBaselineAgainChangesNoRow],
  },
  {
    file: 'committing.test.ts',
    reset: 'truncate',
    tests: [scenarios.aSecondClientSeesACommittedRating, scenarios.aRollUpJobOnItsOwnConnectionSeesACompletedSession],
  },
  { file: 'with-database.test.ts', reset: 'withDatabase', tests: [scenarios.aSecondClientSeesACommittedRating] },
];

/** A scenario added to scenarios.ts and forgotten here would make the comparison quietly smaller. */
function checkSuiteCoversEveryScenario(): void {
  const run = new Set(SUITE.flatMap(({ tests }) => tests));
  const missing = Object.entries(scenarios).filter(
    ([, value]) => typeof value === 'function' && !run.has(value as Scenario),
  );
  if (missing.length > 0) {
    throw new Error(`bench/examples.bench.ts does not run ${missing.map(([name]) => name).join(', ')}: add to SUITE.`);
  }
}

/** Where an isolated run's time went, in ms: the harness's steps, and the tests themselves. */
interface Breakdown {
  /** Handing out a file's database: a pooled clone (or one made now) and its client. */
  handOut: number;
  /** The resets between tests (begin + rollback, or truncate). */
  reset: number;
  /** Closing the client and dropping the database at the end of a file. */
  drop: number;
  /** The scenarios themselves, on the isolated database. */
  tests: number;
}

async function runIsolated(breakdown: Breakdown): Promise<void> {
  for (const { reset, tests } of SUITE) {
    if (reset === 'withDatabase') {
      for (const scenario of tests) {
        let inside = 0;
        const call = await timed(() =>
          withDatabase(async (context) => {
            inside = await timed(() => scenario(context));
          }),
        );
        breakdown.tests += inside;
        breakdown.handOut += call - inside;
      }
      continue;
    }
    let database: FileDatabase | undefined;
    breakdown.handOut += await timed(async () => {
      database = await FileDatabase.open('database', reset);
    });
    if (!database) throw new Error('unreachable: FileDatabase.open returned nothing');
    const opened = database;
    try {
      for (const scenario of tests) {
        breakdown.reset += await timed(() => opened.beforeTest());
        try {
          const { prisma, url, name } = opened.client;
          breakdown.tests += await timed(() => scenario(createDatabaseContext(prisma, url, name)));
        } finally {
          breakdown.reset += await timed(() => opened.afterTest(undefined));
        }
      }
    } finally {
      breakdown.drop += await timed(() => opened.close());
    }
  }
}

/** Returns the time of the scenarios alone, to set beside the isolated side's. */
async function runShared(url: string): Promise<number> {
  let inTests = 0;
  for (const { tests } of SUITE) {
    const prisma = createPrismaClient({ url });
    try {
      const context = { prisma, url, factories: createFactories(prisma) };
      for (const scenario of tests) inTests += await timed(() => scenario(context));
    } finally {
      await prisma.$disconnect();
    }
  }
  return inTests;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function row(measure: string, times: number[]): Row {
  const sorted = [...times].sort((a, b) => a - b);
  return { measure, samples: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
}

async function main(): Promise<void> {
  checkSuiteCoversEveryScenario();
  const tests = SUITE.reduce((sum, { tests }) => sum + tests.length, 0);
  const run = await startRun();
  // The pools of the db fixture and withDatabase use this run instead of starting their own.
  publishRunSetup(run.setup);
  process.stderr.write(`Server: ${run.setup.provider}; ${SUITE.length} files, ${tests} tests; ${SAMPLES} samples.\n`);
  const pool = await runPool('database');
  const shared = await pool.acquire();
  const isolated: number[] = [];
  const none: number[] = [];
  const parts: Breakdown[] = [];
  const noneTests: number[] = [];
  const clones: number[] = [];
  try {
    // Warm-up, not measured: Prisma's query compiler, the JIT, the pool's first clones.
    await runIsolated({ handOut: 0, reset: 0, drop: 0, tests: 0 });
    await runShared(shared.url);
    for (let sample = 0; sample < SAMPLES; sample++) {
      const order = sample % 2 === 0 ? ['isolated', 'none'] : ['none', 'isolated'];
      for (const side of order) {
        if (side === 'isolated') {
          const breakdown: Breakdown = { handOut: 0, reset: 0, drop: 0, tests: 0 };
          isolated.push(await timed(() => runIsolated(breakdown)));
          parts.push(breakdown);
        } else {
          let inTests = 0;
          none.push(
            await timed(async () => {
              inTests = await runShared(shared.url);
            }),
          );
          noneTests.push(inTests);
        }
      }
      process.stderr.write(
        `  sample ${sample + 1}/${SAMPLES}: isolated ${round(isolated.at(-1) ?? 0)} ms, none ${round(none.at(-1) ?? 0)} ms\n`,
      );
    }
    // Context for the figures above: what one clone costs on this server right now, with no pool to hide it.
    const unpooled = await ClonePool.open({
      adminUrl: new URL(run.setup.adminUrl),
      template: run.setup.template,
      size: 0,
    });
    for (let sample = 0; sample < SAMPLES; sample++) {
      let name = '';
      clones.push(
        await timed(async () => {
          name = (await unpooled.acquire()).name;
        }),
      );
      await unpooled.release(name);
    }
    await unpooled.close();
  } finally {
    await pool.release(shared.name).catch(() => {});
    await pool.close();
    await run.stop();
  }

  const rows = [
    row(`example suite (${tests} tests, ${SUITE.length} files): toolkit isolation`, isolated),
    row(`example suite (${tests} tests, ${SUITE.length} files): no isolation, one shared database`, none),
  ];
  const part = (name: keyof Breakdown) => parts.map((breakdown) => breakdown[name]);
  rows.push(
    row('  of which: hand-out (pooled clone + client, per file and withDatabase call)', part('handOut')),
    row('  of which: resets between tests (transaction or truncate)', part('reset')),
    row('  of which: drop (disconnect + DROP DATABASE, per file)', part('drop')),
    row('  of which: the tests themselves, on the isolated databases', part('tests')),
    row('the same tests with no isolation (the shared side without its clients)', noneTests),
    row('context: one unpooled template clone on this server', clones),
  );
  const [withIsolation, without] = rows as [Row, Row];
  const overhead = (withIsolation.p50 - without.p50) / without.p50;
  const summary = {
    'overhead (p50)': `${Math.round(overhead * 1000) / 10}%`,
    'overhead per test (p50)': `${round((withIsolation.p50 - without.p50) / tests)} ms`,
    target: `<= ${TARGET_OVERHEAD * 100}%: ${overhead <= TARGET_OVERHEAD ? 'met' : 'not met'}`,
  };
  report(`The example suite: toolkit isolation against none (${run.setup.provider})`, rows, RESULTS, {
    date: new Date().toISOString(),
    provider: run.setup.provider,
    summary,
  });
  process.stdout.write(
    `${Object.entries(summary)
      .map(([key, value]) => `${key}: ${value}`)
      .join('\n')}\n`,
  );
}

await main();
