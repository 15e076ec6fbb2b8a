/**
 * The API report of an entry point of the package: what a consumer can name
 * at run time (the entry's exports, listed by importing it) and what the
 * compiler tells them about it (the declarations `npm run build` would ship
 * for it). tests/package/public-api.test.ts compares each to the report
 * committed under api/, so that neither changes without someone seeing it.
 *
 * The declared part is the text of every `.d.ts` the entry's own `.d.ts`
 * reaches through relative imports and re-exports, so a change to a type
 * behind a name (a member, an option, a parameter) shows too, not only a
 * renamed export. The generated Prisma Client (`generated/`) is left out: the
 * schema pins it, and its declarations are some thousand lines a schema
 * change rewrites; the names re-exported from it stay in the report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../support/run-cli.ts';

export interface EntryPoint {
  /** The specifier a consumer imports, e.g. `@ctoprojects/fixtures/client`. */
  readonly specifier: string;
  /** Its report's file under api/. */
  readonly report: string;
  /** Its declaration, relative to the declarations' root (what `exports` points `types` at, under dist/). */
  readonly declaration: string;
}

export const ENTRY_POINTS: readonly EntryPoint[] = [
  { specifier: '@ctoprojects/fixtures', report: 'index.api.md', declaration: 'index.d.ts' },
  { specifier: '@ctoprojects/fixtures/client', report: 'client.api.md', declaration: 'client/index.d.ts' },
  { specifier: '@ctoprojects/fixtures/vitest', report: 'vitest.api.md', declaration: 'vitest/index.d.ts' },
  {
    specifier: '@ctoprojects/fixtures/vitest/global-setup',
    report: 'vitest-global-setup.api.md',
    declaration: 'vitest/global-setup.d.ts',
  },
];

/** Directories of the declarations the report leaves out (see above). */
const LEFT_OUT = ['generated/'];

/**
 * Emits the declarations of src/ as `npm run build` does (tsconfig.build.json),
 * without JavaScript or maps, into a temporary directory; `use` reads them.
 */
export function withEmittedDeclarations<T>(use: (root: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), 'fixtures-api-'));
  try {
    const tsc = createRequire(import.meta.url)
      .resolve('typescript/package.json')
      .replace(/package\.json$/, 'bin/tsc');
    const result = spawnSync(
      process.execPath,
      [
        tsc,
        '-p',
        'tsconfig.build.json',
        '--emitDeclarationOnly',
        '--declarationMap',
        'false',
        '--sourceMap',
        'false',
        '--inlineSources',
        'false',
        '--outDir',
        root,
      ],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new Error(
        `tsc -p tsconfig.build.json --emitDeclarationOnly failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
      );
    }
    return use(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Relative module specifiers in a declaration file: `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`. */
const RELATIVE_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.\.?\/[^'"]+)['"]/g;

/** The declaration file a relative specifier of `from` names: `./x.ts` and `./x.js` are `./x.d.ts`. */
function declarationOf(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier).replace(/\.(?:d\.)?[cm]?[tj]s$/, '');
  const path = `${target}.d.ts`;
  if (!existsSync(path)) throw new Error(`${from} imports ${specifier}, but ${path} was not emitted.`);
  return path;
}

/** The declaration files `entry` reaches, by path relative to `root`, the entry's first and the rest sorted. */
export function reachableDeclarations(root: string, entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const pending = [join(root, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const name = relative(root, file);
    if (found.has(name) || LEFT_OUT.some((directory) => name.startsWith(directory))) continue;
    const text = normalise(readFileSync(file, 'utf8'));
    found.set(name, text);
    for (const [, specifier] of text.matchAll(RELATIVE_SPECIFIER))
      pending.push(declarationOf(file, specifier as string));
  }
  const [first, ...rest] = [...found.keys()];
  return new Map([first, ...rest.sort()].map((name) => [name as string, found.get(name as string) as string]));
}

/** Only what the compiler says: no source map comment, no trailing blank lines. */
function normalise(text: string): string {
  return `${text
    .split('\n')
    .filter((line) => !line.startsWith('//# sourceMappingURL='))
    .join('\n')
    .trimEnd()}\n`;
}

/** The report: a Markdown file, so that a pull request's diff of it reads like a change of API. */
export function renderReport(
  entry: EntryPoint,
  runtimeNames: readonly string[],
  declarations: ReadonlyMap<string, string>,
): string {
  const lines = [
    `# \`${entry.specifier}\``,
    '',
    'The public surface of this entry point, as tests/package/public-api.test.ts finds it. A change here is a',
    "change of the package's API: `npm run api:update` rewrites this file; review its diff like code.",
    '',
    `## Run-time exports (${runtimeNames.length})`,
    '',
    ...runtimeNames.map((name) => `- \`${name}\``),
    '',
    `## Declarations (${declarations.size} files; the generated Prisma Client left out)`,
  ];
  for (const [name, text] of declarations) lines.push('', `### ${name}`, '', '```ts', text.trimEnd(), '```');
  return `${lines.join('\n')}\n`;
}

/** The names an imported module namespace offers at run time, sorted. */
export function runtimeNamesOf(namespace: object): string[] {
  return Object.keys(namespace).sort();
}
