/**
 * A run interrupted by SIGINT or SIGTERM, or ended by `process.exit()`,
 * stops what it started before the process goes: its throwaway cluster
 * (process gone, port free, files removed), or on an external server, its
 * databases. Real processes: a nested Vitest run, whose main process handles
 * both signals itself, and a plain script using `withDatabase`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { clusterParents } from '../../src/harness/run/servers/cluster-directory.ts';
import { processIsAlive } from '../../src/harness/shared/abandoned.ts';
import { query } from '../support/databases.ts';
import { startVitest } from '../support/nested-vitest.ts';
import { type RunOptions, type StartedChild, startNode } from '../support/run-cli.ts';

const SCRIPT = fileURLToPath(new URL('fixtures/interrupted-script.ts', import.meta.url));
const VITEST_CONFIG = fileURLToPath(new URL('fixtures/interrupt/vitest.config.ts', import.meta.url));

const THROWAWAY: RunOptions = {
  env: { FIXTURES_PROVIDER: 'embedded', FIXTURES_HARNESS: undefined, TEST_DATABASE_URL: undefined },
  timeoutMs: 90_000,
};
const external = (): RunOptions => ({
  env: { FIXTURES_PROVIDER: 'external', FIXTURES_HARNESS: undefined, TEST_DATABASE_URL: inject('serverUrl') },
  timeoutMs: 90_000,
});

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The throwaway cluster directories whose name carries process `pid`'s tag. */
function clustersOf(pid: number): string[] {
  return clusterParents().flatMap((parent) =>
    readdirSync(parent)
      .filter((name) => name.startsWith('fixtures-pg-') && name.includes(`_${pid}_`))
      .map((name) => join(parent, name)),
  );
}

async function inside(started: StartedChild): Promise<{ name: string; port: number }> {
  return (JSON.parse(await started.line(/^\{"inside"/)) as { inside: { name: string; port: number } }).inside;
}

/** Waits until the child is inside its database, then reads its cluster's directory and postmaster. */
async function throwawayOf(started: StartedChild) {
  const { port } = await inside(started);
  const [root] = clustersOf(started.child.pid as number);
  if (!root) throw new Error(`No cluster directory carries pid ${started.child.pid}`);
  const postmaster = Number(readFileSync(join(root, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  return { owner: started.child.pid as number, port, postmaster };
}

async function expectStopped({ owner, port, postmaster }: { owner: number; port: number; postmaster: number }) {
  expect(processIsAlive(postmaster), `postmaster ${postmaster}`).toBe(false);
  expect(await portIsFree(port), `port ${port}`).toBe(true);
  expect(clustersOf(owner)).toEqual([]);
}

const databaseExists = async (name: string) =>
  (await query(inject('serverUrl'), `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length === 1;

describe('a nested Vitest run', () => {
  it('interrupted by SIGINT stops its throwaway cluster before it exits with 130', async () => {
    const run = startVitest(VITEST_CONFIG, [], THROWAWAY);
    const cluster = await throwawayOf(run);

    run.child.kill('SIGINT');
    const result = await run.result;

    expect(result.code, result.output).toBe(130);
    await expectStopped(cluster);
  });

  it('sent SIGTERM drops its database on an external server before it exits with 143', async () => {
    const run = startVitest(VITEST_CONFIG, [], external());
    const { name } = await inside(run);
    expect(await databaseExists(name)).toBe(true);

    run.child.kill('SIGTERM');
    const result = await run.result;

    expect(result.code, result.output).toBe(143);
    expect(await databaseExists(name)).toBe(false);
  });
});

describe('a script using withDatabase', () => {
  it('sent SIGTERM stops its throwaway cluster before it exits with 143', async () => {
    const script = startNode([SCRIPT], THROWAWAY);
    const cluster = await throwawayOf(script);

    script.child.kill('SIGTERM');
    const result = await script.result;

    expect(result.code, result.output).toBe(143);
    await expectStopped(cluster);
  });

  it('interrupted by SIGINT drops its database on an external server before it exits with 130', async () => {
    const script = startNode([SCRIPT], external());
    const { name } = await inside(script);

    script.child.kill('SIGINT');
    const result = await script.result;

    expect(result.code, result.output).toBe(130);
    expect(await databaseExists(name)).toBe(false);
  });

  it('that calls process.exit() inside fn still stops its throwaway cluster, and keeps its exit code', async () => {
    const script = startNode([SCRIPT], { ...THROWAWAY, env: { ...THROWAWAY.env, FIXTURES_TEST_EXIT: '7' } });
    const pid = script.child.pid as number;
    const { port } = await inside(script);

    const result = await script.result;

    expect(result.code, result.output).toBe(7);
    expect(clustersOf(pid)).toEqual([]);
    expect(await portIsFree(port), `port ${port}`).toBe(true);
  });
});
