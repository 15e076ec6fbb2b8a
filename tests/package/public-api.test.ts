/**
 * The package's public surface is pinned: each entry point's run-time exports
 * and declared types are compared to its report under api/ (see
 * api-report.ts). A change that alters them fails here until the reports are
 * rewritten (`npm run api:update`) and the diff is reviewed; in CI a missing
 * report fails too, as no snapshot is written there.
 *
 * And `@ctoprojects/fixtures/client`, which production code imports, loads
 * none of the test tooling.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as root from '@ctoprojects/fixtures';
import * as client from '@ctoprojects/fixtures/client';
import * as vitest from '@ctoprojects/fixtures/vitest';
import * as globalSetup from '@ctoprojects/fixtures/vitest/global-setup';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT, runNode } from '../support/run-cli.ts';
import {
  ENTRY_POINTS,
  reachableDeclarations,
  renderReport,
  runtimeNamesOf,
  withEmittedDeclarations,
} from './api-report.ts';

const NAMESPACES: Readonly<Record<string, object>> = {
  '@ctoprojects/fixtures': root,
  '@ctoprojects/fixtures/client': client,
  '@ctoprojects/fixtures/vitest': vitest,
  '@ctoprojects/fixtures/vitest/global-setup': globalSetup,
};

describe('the public surface', () => {
  // One compilation for the four entry points: tsc takes a few seconds on a busy machine.
  const reports = withEmittedDeclarations((declarationsRoot) =>
    ENTRY_POINTS.map((entry) => ({
      entry,
      text: renderReport(
        entry,
        runtimeNamesOf(NAMESPACES[entry.specifier] as object),
        reachableDeclarations(declarationsRoot, entry.declaration),
      ),
    })),
  );

  test("has a report for each entry point of package.json's exports, and no other", () => {
    const { exports } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types?: string }>;
    };
    const shipped = Object.entries(exports)
      .filter(([subpath]) => subpath !== './package.json')
      .map(([subpath, target]) => ({
        specifier: `@ctoprojects/fixtures${subpath.slice(1)}`,
        types: typeof target === 'string' ? target : target.types,
      }));

    expect(ENTRY_POINTS.map(({ specifier, declaration }) => ({ specifier, types: `./dist/${declaration}` }))).toEqual(
      shipped,
    );
    expect(readdirSync(join(PROJECT_ROOT, 'api')).sort()).toEqual(ENTRY_POINTS.map(({ report }) => report).sort());
  });

  test.each(reports)('of $entry.specifier is the one api/$entry.report records', async ({ entry, text }) => {
    await expect(
      text,
      `The public surface of ${entry.specifier} changed (its run-time exports or its declared types). ` +
        `If that is meant, run \`npm run api:update\` and review the diff of api/${entry.report} like code`,
    ).toMatchFileSnapshot(`../../api/${entry.report}`);
  });
});

describe('a factory', () => {
  test('offers no member of the package’s own writes (insertEach, upsertRows)', async () => {
    // A client that never connects: creating factories, and asking them what they offer, sends no query.
    const prisma = root.createPrismaClient({ url: 'postgresql://nobody@fixtures-api.invalid/none' });
    try {
      const factories = root.createFactories(prisma);
      for (const [name, factory] of Object.entries(factories)) {
        expect({ name, insertEach: 'insertEach' in factory, upsertRows: 'upsertRows' in factory }).toEqual({
          name,
          insertEach: false,
          upsertRows: false,
        });
      }
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('@ctoprojects/fixtures/client', () => {
  /**
   * Records every module a fresh Node process resolves while it imports the
   * entry: a `module.registerHooks` resolve hook sees each `import`,
   * `import()` and `require()` in the process, ESM and CommonJS alike,
   * including those of dependencies, before anything is cached. The process
   * is fresh, so nothing this worker loaded counts.
   */
  const RECORD_RESOLUTIONS = `
    import { registerHooks } from 'node:module';
    const resolved = new Set();
    registerHooks({
      resolve(specifier, context, nextResolve) {
        const result = nextResolve(specifier, context);
        resolved.add(result.url);
        return result;
      },
    });
    await import(process.argv[1]);
    process.stdout.write(JSON.stringify([...resolved]));
  `;

  /** What production code must not pull in: test data, factories, containers, the test runner, the harness. */
  const TEST_TOOLING = [
    /\/node_modules\/@faker-js\/faker\//,
    /\/node_modules\/fishery\//,
    /\/node_modules\/(?:@testcontainers\/[^/]+|testcontainers)\//,
    /\/node_modules\/(?:vitest|@vitest\/[^/]+)\//,
    /\/src\/(?:harness|factories|vitest|seed)\//,
  ];

  test('loads the Prisma Client and pg, and none of the test tooling', async () => {
    const { code, stdout, stderr } = await runNode([
      '--conditions=ctoprojects-fixtures-source',
      '--input-type=module',
      '--eval',
      RECORD_RESOLUTIONS,
      '@ctoprojects/fixtures/client',
    ]);
    expect(code, stderr).toBe(0);
    const loaded: string[] = JSON.parse(stdout);

    // The recorder works: it saw the entry and what the entry is for.
    expect(loaded).toContainEqual(expect.stringMatching(/\/src\/client\/index\.ts$/));
    expect(loaded).toContainEqual(expect.stringMatching(/\/node_modules\/@prisma\/adapter-pg\//));
    expect(loaded).toContainEqual(expect.stringMatching(/\/node_modules\/pg\//));
    expect(loaded.filter((url) => TEST_TOOLING.some((tooling) => tooling.test(url)))).toEqual([]);
  });
});
