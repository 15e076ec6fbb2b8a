/**
 * `npm run bench`, part 4: what a test file pays to import the package, as a
 * consumer's file does: the built entry points in a fresh Node process each,
 * with no type stripping, interleaved with plain Prisma (the generated client
 * alone) and with faker's two entries (the whole package, which loads every
 * locale, and English alone, which the factories use). Imports dist/, which
 * `npm run bench` builds first.
 * Writes bench/import-results.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Row, report, rowOf, SAMPLES } from './support/measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const inRoot = (path: string) => pathToFileURL(`${ROOT}${path}`).href;

// Not /vitest: it calls test.extend() as it loads, which only a running Vitest allows; it is the root
// entry plus Vitest's own fixtures code.
const CANDIDATES: readonly { measure: string; specifier: string; note?: string }[] = [
  { measure: 'import @ctoprojects/fixtures (the root entry)', specifier: inRoot('dist/index.js'), note: '≤ 150 ms' },
  { measure: 'import @ctoprojects/fixtures/client', specifier: inRoot('dist/client/index.js') },
  {
    measure: 'import the generated Prisma Client alone (plain Prisma)',
    specifier: inRoot('dist/generated/prisma/client.js'),
  },
  {
    measure: "import @faker-js/faker (every locale: the factories' import before)",
    specifier: inRoot('node_modules/@faker-js/faker/dist/index.js'),
  },
  {
    measure: "import @faker-js/faker/locale/en (the factories' import now)",
    specifier: inRoot('node_modules/@faker-js/faker/dist/locale/en.js'),
  },
];

/** The milliseconds a fresh Node process takes to import `specifier`, measured inside it. */
function importTime(specifier: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t)); process.exit(0);`;
  const { NODE_OPTIONS: _stripTypes, ...env } = process.env; // a consumer's Node: no flags of this repository
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`Importing ${specifier} failed (exit ${result.status}):\n${result.stderr}`);
  return Number(result.stdout);
}

if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  throw new Error('bench/import.bench.ts imports the built package, and dist/ has none: run `npm run build` first.');
}

const samples = Math.min(SAMPLES, 30);
const times = CANDIDATES.map((): number[] => []);
// Interleaved: each round imports every candidate once, so a busy moment of the machine hits them all alike.
for (let round = 0; round < samples; round++) {
  for (const [i, candidate] of CANDIDATES.entries()) times[i]?.push(importTime(candidate.specifier));
}
const rows: Row[] = CANDIDATES.map((candidate, i) => rowOf(candidate.measure, times[i] ?? [], candidate.note));
report('Import cost (npm run bench)', rows, new URL('import-results.json', import.meta.url), {
  date: new Date().toISOString(),
});
