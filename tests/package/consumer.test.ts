/**
 * The package as another team gets it: `npm pack`, then the tarball installed
 * into a project outside this repository (tests/package/consumer/), with
 * nothing but the npm registry and its cache. There, on each supported Node.js
 * line: the /client entry loads no test tooling, a Vitest suite runs on the
 * `db` fixture, plain JavaScript runs under `node --test`, the shipped types
 * compile under a strict configuration, and the command migrates and seeds a
 * real server. Then the same suite once from an npm workspace.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, query, type TestDatabase } from '../support/databases.ts';
import { NODE_LINES, nodeBinary } from '../support/node-lines.ts';
import { type PackedPackage, packPackage } from '../support/packed-package.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';

const CONSUMER_TEMPLATE = fileURLToPath(new URL('./consumer', import.meta.url));
const INSTALL_TIMEOUT_MS = 600_000;
/** The newest Node.js the package refuses (package.json "engines": >=22.12.0). */
const BELOW_FLOOR = '22.11.0';

interface Result {
  readonly code: number | null;
  readonly output: string;
}

/**
 * The consumer's environment: this machine's, without what this repository's own run puts there (its
 * NODE_OPTIONS with type stripping and the source condition, npm's script variables, the harness's channel to
 * its workers, connection strings), so nothing resolves to or reaches into the repository.
 */
function consumerEnv(node: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      /^(npm_|VITEST|FIXTURES_|TEST_DATABASE_URL$|DATABASE_URL$|DIRECT_DATABASE_URL$|SHADOW_DATABASE_URL$)/.test(name)
    ) {
      continue;
    }
    env[name] = value;
  }
  return {
    ...env,
    NODE_OPTIONS: '',
    NO_COLOR: '1',
    PATH: [dirname(node), process.env.PATH].join(delimiter),
    // The consumer's own throwaway server: PostgreSQL 18 from the npm package the fixtures depend on.
    FIXTURES_PROVIDER: 'embedded',
    ...extra,
  };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout = 300_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

async function devDependencyVersions(names: string[]): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  return names.map((name) => `${name}@${manifest.devDependencies[name]}`);
}

/** `npm install` of the tarball and the consumer's own tools, from the npm cache where it has them. */
async function npmInstall(dir: string, packages: string[]): Promise<Result> {
  const env = consumerEnv(process.execPath);
  return run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', ...packages],
    dir,
    env,
    INSTALL_TIMEOUT_MS,
  );
}

// CI runs the whole suite once per provider of the repository's own server; this file uses none of them (the
// consumer starts its own server, and the CLI runs against an empty database on any), so later passes skip it.
describe.skipIf(process.env.FIXTURES_PACKAGE_TESTS === 'skip')(
  'the packed package, in a project outside this repository',
  () => {
    let packed: PackedPackage;
    let consumer: string;
    let install: Result;

    beforeAll(async () => {
      packed = await packPackage();
      consumer = await mkdtemp(join(tmpdir(), 'fixtures-consumer-'));
      await cp(CONSUMER_TEMPLATE, consumer, { recursive: true });
      await writeFile(
        join(consumer, 'package.json'),
        `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
      );
      install = await npmInstall(consumer, [
        packed.tarball,
        ...(await devDependencyVersions(['vitest', 'typescript', '@types/node'])),
      ]);
      expect(install.code, install.output).toBe(0);
    }, INSTALL_TIMEOUT_MS);

    afterAll(async () => {
      if (consumer) await rm(consumer, { recursive: true, force: true });
      if (packed) await rm(dirname(packed.tarball), { recursive: true, force: true });
    });

    it('ships dist/, prisma/ and the README, and nothing else', () => {
      const outside = packed.files.filter((path) => !/^(dist\/|prisma\/|README\.md$|package\.json$)/.test(path));
      expect(outside).toEqual([]);
      expect(packed.files.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
      expect(packed.files).toEqual(
        expect.arrayContaining([
          'dist/index.js',
          'dist/index.d.ts',
          'dist/client/index.js',
          'dist/vitest/index.js',
          'dist/vitest/global-setup.js',
          'dist/cli/main.js',
          'dist/generated/prisma/client.js',
          'prisma/schema.prisma',
          'prisma/migrations/migration_lock.toml',
        ]),
      );
    });

    it('installs without an install script of its own, and without npm naming it', async () => {
      const installed = JSON.parse(
        await readFile(join(consumer, 'node_modules', '@ctoprojects', 'fixtures', 'package.json'), 'utf8'),
      ) as { scripts?: Record<string, string>; bin?: Record<string, string> };
      // postpack alone stays (it restores the manifest after packing, and npm runs it only then).
      expect(Object.keys(installed.scripts ?? {})).toEqual(['postpack']);
      expect(packed.manifestRestored, 'npm pack left package.json as it was').toBe(true);
      expect(installed.bin).toEqual({ 'ctoprojects-fixtures': './dist/cli/main.js' });
      expect(install.output).not.toContain('@ctoprojects/fixtures@');
    });

    describe.each(NODE_LINES)('on Node.js %s', (version) => {
      let node: string;
      let database: TestDatabase;

      beforeAll(async () => {
        node = await nodeBinary(version);
        database = await emptyDatabase();
      }, INSTALL_TIMEOUT_MS);

      afterAll(async () => {
        await database?.drop();
      });

      it('loads none of the test tooling from @ctoprojects/fixtures/client', async () => {
        const result = await run(node, ['check-client.mjs'], consumer, consumerEnv(node));
        expect(result.code, result.output).toBe(0);
        expect(result.output).toContain('no test tooling');
      });

      it('runs a Vitest suite on the db fixture, the factories and withDatabase', async () => {
        const result = await run(node, ['node_modules/vitest/vitest.mjs', 'run'], consumer, consumerEnv(node));
        expect(result.code, result.output).toBe(0);
        expect(result.output).toMatch(/Tests\s+\S*5 passed/);
      });

      it('runs plain JavaScript under node --test', async () => {
        const result = await run(node, ['--test', 'node-test/learners.test.mjs'], consumer, consumerEnv(node));
        expect(result.code, result.output).toBe(0);
        expect(result.output).toMatch(/ pass 2\b/);
        expect(result.output).toMatch(/ fail 0\b/);
      });

      it('type-checks under a strict consumer tsconfig, where a wrong override is an error', async () => {
        // typecheck.ts marks each wrong call @ts-expect-error: were one accepted, tsc would fail on the unused directive.
        const result = await run(node, ['node_modules/typescript/bin/tsc', '-p', '.'], consumer, consumerEnv(node));
        expect(result.code, result.output).toBe(0);
      });

      it('migrates a real server with its command, then seeds the baseline twice', async () => {
        const env = consumerEnv(node, { DATABASE_URL: database.url });
        const bin = join(consumer, 'node_modules', '.bin', 'ctoprojects-fixtures');
        const help = await run(bin, ['--help'], consumer, env);
        expect(help.code, help.output).toBe(0);
        for (const command of ['seed:baseline', 'prisma', 'db:up', 'db:down']) expect(help.output).toContain(command);
        const deploy = await run(bin, ['prisma', 'migrate', 'deploy'], consumer, env);
        expect(deploy.code, deploy.output).toBe(0);
        expect(deploy.output).toContain('All migrations have been successfully applied.');
        const status = await run(bin, ['prisma', 'migrate', 'status'], consumer, env);
        expect(status.code, status.output).toBe(0);
        expect(status.output).toContain('Database schema is up to date!');
        // An engine failure is a failure from the package too: this one used to print nothing and exit 0.
        await writeFile(join(consumer, 'one.sql'), 'SELECT 1;\n');
        const unreachable = await run(
          bin,
          ['prisma', 'db', 'execute', '--file', 'one.sql'],
          consumer,
          consumerEnv(node, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' }),
        );
        expect(unreachable.code, unreachable.output).toBe(1);
        expect(unreachable.output).toContain("P1001\n\nCan't reach database server at `127.0.0.1:1`");

        const first = await run(bin, ['seed:baseline'], consumer, env);
        expect(first.code, first.output).toBe(0);
        const again = await run(bin, ['seed:baseline'], consumer, env);
        expect(again.code, again.output).toBe(0);
        // The summary's users row: created, updated, found.
        expect(again.output).toMatch(/users\s+0\s+0\s+2/);
        const users = await query<{ n: number }>(database.url, 'SELECT count(*)::int AS n FROM users');
        expect(users[0]?.n).toBe(2);
      });
    });

    it(
      'on a Node.js below the floor, says in one line which Node.js it needs',
      async () => {
        const node = await nodeBinary(BELOW_FLOOR);
        const expected = `@ctoprojects/fixtures needs Node.js 22.12 or newer; this is Node.js ${BELOW_FLOOR}`;
        const bin = join(consumer, 'node_modules', '.bin', 'ctoprojects-fixtures');
        const command = await run(bin, ['--help'], consumer, consumerEnv(node));
        expect(command.code).toBe(1);
        expect(command.output.trim().split('\n')).toEqual([expect.stringContaining(expected)]);
        const script = "await import('@ctoprojects/fixtures')";
        const library = await run(node, ['--input-type=module', '-e', script], consumer, consumerEnv(node));
        expect(library.code).not.toBe(0);
        expect(library.output).toContain(expected);
      },
      INSTALL_TIMEOUT_MS,
    );

    it(
      'runs the same Vitest suite from an npm workspace',
      async () => {
        const root = await mkdtemp(join(tmpdir(), 'fixtures-workspace-'));
        try {
          const app = join(root, 'packages', 'app');
          await mkdir(app, { recursive: true });
          await writeFile(
            join(root, 'package.json'),
            JSON.stringify({ name: 'monorepo', private: true, workspaces: ['packages/*'] }),
          );
          await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
          await cp(join(CONSUMER_TEMPLATE, 'vitest.config.js'), join(app, 'vitest.config.js'));
          await cp(join(CONSUMER_TEMPLATE, 'tests'), join(app, 'tests'), { recursive: true });
          const installed = await run(
            'npm',
            [
              'install',
              '--no-audit',
              '--no-fund',
              '--prefer-offline',
              '--save-dev',
              '--workspace',
              'app',
              packed.tarball,
              ...(await devDependencyVersions(['vitest'])),
            ],
            root,
            consumerEnv(process.execPath),
            INSTALL_TIMEOUT_MS,
          );
          expect(installed.code, installed.output).toBe(0);
          const node = await nodeBinary('24.21.0');
          const result = await run(
            node,
            [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'],
            app,
            consumerEnv(node),
          );
          expect(result.code, result.output).toBe(0);
          expect(result.output).toMatch(/Tests\s+\S*5 passed/);
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      },
      INSTALL_TIMEOUT_MS,
    );
  },
);
