/**
 * The folders of src/ import one another only along the rules of
 * docs/architecture.md: each folder lists the folders it may import, and a
 * worker reaches what runs once per run only through `harness/run/index.ts`.
 * Static imports, dynamic ones and re-exports are all read, so a new one
 * that breaks a rule fails here with the file, the import and the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Modules at the root of src/ that any folder may import: they depend on nothing of ours. */
const ROOT_MODULES = ['package-files.ts', 'node-version.ts', 'require-node.ts', 'generated'];

/** What each folder may import besides itself and the root modules: the layers, lowest first. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  config: [],
  text: ['config'],
  sql: ['config', 'text'],
  client: ['config', 'text', 'sql'],
  'schema-engine': ['config', 'text', 'sql'],
  factories: ['config', 'text', 'sql', 'client'],
  // The seed names the CLI's commands in its messages (command-hint.ts), and reads db:up's settings.
  seed: ['config', 'text', 'sql', 'client', 'factories', 'cli'],
  cli: ['config', 'text', 'sql', 'client', 'schema-engine', 'factories', 'seed', 'harness/run'],
  // Migrations run through the offline schema engine.
  'harness/shared': ['config', 'text', 'sql', 'schema-engine'],
  'harness/run': ['config', 'text', 'sql', 'schema-engine', 'harness/shared'],
  'harness/worker': [
    ...['config', 'text', 'sql', 'schema-engine', 'client', 'factories', 'harness/shared'],
    // A worker that finds no run set up (withDatabase outside Vitest) starts one: through the run's entry only.
    'harness/run/index.ts',
  ],
  vitest: ['config', 'text', 'sql', 'client', 'factories', 'harness/shared', 'harness/run', 'harness/worker'],
};

/** The package's entry modules, which may import any folder. */
const ENTRIES = ['index.ts'];

/** `harness/worker/pools.ts` → `harness/worker`; `cli/main.ts` → `cli`; `index.ts` → `index.ts`. */
function folderOf(path: string): string {
  const parts = path.split(sep);
  if (parts.length === 1) return path;
  return parts[0] === 'harness' ? parts.slice(0, 2).join('/') : (parts[0] ?? path);
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated') yield* sourceFiles(path);
    } else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`. */
const IMPORT = /\b(?:import|export)\b[^'";]*?\bfrom\s*'([^']+)'|\bimport\s*\(?\s*'([^']+)'/g;

/** What `file` imports of src/, as paths relative to src/. */
function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)]
    .map((match) => match[1] ?? match[2] ?? '')
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(SRC, resolve(dirname(file), name)))
    .filter((path) => !path.startsWith('..'));
}

/** Why `from` may not import `to`, or undefined when it may. */
function breach(from: string, to: string): string | undefined {
  const source = folderOf(from);
  const target = folderOf(to);
  if (source === target || ENTRIES.includes(source)) return undefined;
  if (ROOT_MODULES.some((root) => to === root || to.startsWith(`${root}/`))) return undefined;
  const allowed = MAY_IMPORT[source];
  if (!allowed) return `${source} is in no rule of MAY_IMPORT: add it (and to docs/architecture.md)`;
  if (allowed.includes(target) || allowed.includes(to.split(sep).join('/'))) return undefined;
  return `${source} may import only ${allowed.join(', ') || 'nothing of src/'}`;
}

describe('the folders of src/', () => {
  const files = [...sourceFiles(SRC)].map((file) => relative(SRC, file));

  it('import one another only along the rules of docs/architecture.md', () => {
    const breaches = files.flatMap((from) =>
      importsOf(join(SRC, from)).flatMap((to) => {
        const why = breach(from, to);
        return why ? [`${from} imports ${to}: ${why}`] : [];
      }),
    );
    expect(breaches).toEqual([]);
  });

  it('are each in a rule, and the rules name only folders that exist', () => {
    const folders = new Set(files.map(folderOf).filter((folder) => !folder.endsWith('.ts')));
    expect([...folders].filter((folder) => !(folder in MAY_IMPORT))).toEqual([]);
    const named = Object.values(MAY_IMPORT)
      .flat()
      .map((name) => name.replace(/\/index\.ts$/, ''));
    expect(named.filter((name) => !folders.has(name))).toEqual([]);
  });

  it('catch a breach: a lower layer importing a higher one is named', () => {
    expect(breach(join('sql', 'with-client.ts'), join('harness', 'worker', 'pools.ts'))).toMatch(
      /sql may import only config, text/,
    );
    expect(breach(join('harness', 'worker', 'pools.ts'), join('harness', 'run', 'template.ts'))).toMatch(
      /harness\/worker may import only/,
    );
    expect(breach(join('harness', 'worker', 'pools.ts'), join('harness', 'run', 'index.ts'))).toBeUndefined();
  });

  it('are all read: static, dynamic and re-exported imports of this very tree', () => {
    expect(importsOf(join(SRC, 'harness', 'worker', 'pools.ts'))).toContain(join('harness', 'run', 'index.ts'));
    expect(importsOf(join(SRC, 'vitest', 'index.ts'))).toEqual(
      expect.arrayContaining([join('vitest', 'per-test.ts'), join('config', 'option-error.ts'), 'require-node.ts']),
    );
  });
});
