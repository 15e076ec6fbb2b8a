/**
 * The suite of issue 12, written out as a consumer's project: 563 tests in 40
 * files, each test one insert and one select and a random 0–20 ms of work,
 * run by real Vitest with `maxWorkers: 2`. Two copies of the same tests: one
 * on the `db` fixture (a database per file, transaction reset), one on a
 * single shared database with no isolation and no cleanup.
 *
 * The project lives in a temporary folder whose node_modules links to this
 * package (its built `dist/`, as `npm install` would give it) and to Vitest.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUITE_FILES = 40;
export const SUITE_TESTS = 563;
export const SUITE_WORKERS = 2;

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `isolated`: the db fixture with the package's global setup; `unready`: the
 * same files with a global setup that prepares no ready clones (each worker
 * clones its own, as before ready-clones.ts); `shared`: no isolation. The
 * `-reused` sides are the same with Vitest's `isolate: false`: a worker runs
 * file after file instead of a process a file.
 */
export type SuiteSide = 'isolated' | 'unready' | 'shared' | 'isolated-reused' | 'shared-reused';

/** The sides the project writes a configuration for. */
export const SUITE_SIDES: readonly SuiteSide[] = ['isolated', 'unready', 'shared', 'isolated-reused', 'shared-reused'];

export interface SuiteProject {
  readonly root: string;
  /** Where each file writes one line: its name, how long its first test waited, and how much of it was imports. */
  readonly waitsDir: string;
  configOf(side: SuiteSide): string;
  remove(): void;
}

/** The same 0–20 ms of work for a given test on both sides (a linear congruential sequence). */
function workOf(count: number): number[] {
  let state = 563;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % 21;
  });
}

/**
 * The first-test wait: from the moment the file's setup file runs (before the
 * test file and its imports load) to the start of its first test, so that it
 * holds the import of the entry and the hand-out of the file's database.
 */
const SETUP_FILE = `globalThis.__suiteFileStart = performance.now();\n`;

const firstTestLine = (waitsDir: string, file: string) =>
  `  if (first) { first = false; appendFileSync(${JSON.stringify(join(waitsDir, 'waits.jsonl'))}, ` +
  `JSON.stringify({ file: ${JSON.stringify(file)}, wait: performance.now() - globalThis.__suiteFileStart, ` +
  `imports: loaded - globalThis.__suiteFileStart }) + '\\n'); }`;

function testFile(side: SuiteSide, file: string, works: readonly number[], waitsDir: string): string {
  const imports =
    side === 'isolated'
      ? `import { expect } from 'vitest';\nimport { test } from '@ctoprojects/fixtures/vitest';\n`
      : `import { afterAll, expect, test } from 'vitest';\nimport { createPrismaClient } from '@ctoprojects/fixtures/client';\n` +
        `const prisma = createPrismaClient({ url: process.env.BENCH_SHARED_URL });\nafterAll(() => prisma.$disconnect());\n`;
  const context = side === 'isolated' ? '{ db }' : '';
  const client = side === 'isolated' ? 'db.prisma' : 'prisma';
  const tests = works.map(
    (work, index) => `test('test ${index}', async (${context}) => {
${firstTestLine(waitsDir, file)}
  const email = \`${file}-${index}-\${Math.random()}@bench.invalid\`;
  await ${client}.user.create({ data: { email, displayName: 'Bench' } });
  expect(await ${client}.user.findUnique({ where: { email } })).not.toBeNull();
  await new Promise((resolve) => setTimeout(resolve, ${work}));
});
`,
  );
  // `loaded`: the file's imports done (the module body runs after them), for the wait's two parts.
  return `import { appendFileSync } from 'node:fs';\n${imports}const loaded = performance.now();\nlet first = true;\n\n${tests.join('\n')}`;
}

/** The package's global setup without its ready clones: what it did before them. */
const UNREADY_SETUP = `import { startRun } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/harness/run/start-run.js'))};
import { publishRunSetup } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/harness/shared/run-channel.js'))};
export async function setup() {
  const run = await startRun();
  publishRunSetup(run.setup);
  return () => run.stop();
}
`;

const GLOBAL_SETUPS: Record<SuiteSide, string> = {
  isolated: `globalSetup: ['@ctoprojects/fixtures/vitest/global-setup'],`,
  unready: `globalSetup: ['./unready-setup.ts'],`,
  shared: '',
  'isolated-reused': `globalSetup: ['@ctoprojects/fixtures/vitest/global-setup'], isolate: false,`,
  'shared-reused': 'isolate: false,',
};

function config(side: SuiteSide): string {
  const files = side.startsWith('shared') ? 'shared' : 'isolated';
  return `import { defineConfig } from 'vitest/config';
export default defineConfig({
  // node_modules/@ctoprojects/fixtures is a link: kept as its path, the package loads as an installed one does.
  resolve: { preserveSymlinks: true },
  test: {
    include: ['${files}/**/*.test.ts'],
    setupFiles: ['./file-start.ts'],
    maxWorkers: ${SUITE_WORKERS},
    reporters: ['dot'],
    ${GLOBAL_SETUPS[side]}
  },
});
`;
}

/** Writes the project; `remove()` deletes it. */
export function writeSuiteProject(): SuiteProject {
  const root = mkdtempSync(join(tmpdir(), 'ctoprojects-suite-bench-'));
  const waitsDir = join(root, 'waits');
  mkdirSync(join(root, 'node_modules', '@ctoprojects'), { recursive: true });
  mkdirSync(waitsDir);
  symlinkSync(PROJECT_ROOT, join(root, 'node_modules', '@ctoprojects', 'fixtures'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules', 'vitest'), join(root, 'node_modules', 'vitest'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module", "private": true }\n');
  writeFileSync(join(root, 'file-start.ts'), SETUP_FILE);
  writeFileSync(join(root, 'unready-setup.ts'), UNREADY_SETUP);
  for (const side of SUITE_SIDES) writeFileSync(join(root, `vitest.${side}.config.ts`), config(side));
  const works = workOf(SUITE_TESTS);
  for (const side of ['isolated', 'shared'] as const) {
    mkdirSync(join(root, side));
    let next = 0;
    for (let file = 0; file < SUITE_FILES; file++) {
      // 563 = 40 × 14 + 3: the first three files have 15 tests.
      const count = Math.floor(SUITE_TESTS / SUITE_FILES) + (file < SUITE_TESTS % SUITE_FILES ? 1 : 0);
      const name = `file-${String(file).padStart(2, '0')}`;
      writeFileSync(
        join(root, side, `${name}.test.ts`),
        testFile(side, name, works.slice(next, next + count), waitsDir),
      );
      next += count;
    }
  }
  return {
    root,
    waitsDir,
    configOf: (side) => join(root, `vitest.${side}.config.ts`),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
