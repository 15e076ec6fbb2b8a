/**
 * A started run is a value with one way to end: `stop()`, safe to call twice
 * and at once, and `[Symbol.asyncDispose]` for `await using`. A throwaway
 * server of its own (embedded), so that stopping it stops nothing of the
 * suite's.
 */
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/harness/run/servers/provider.ts';
import { startRun } from '../../src/harness/run/start-run.ts';
import { query } from '../support/databases.ts';

const env = { ...process.env, FIXTURES_PROVIDER: 'embedded', TEST_DATABASE_URL: undefined };

describe('a started run', () => {
  it('stops once when stop() is called twice at once, and a third call does nothing', async () => {
    const run = await startRun(env);
    expect(await query(run.setup.adminUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);

    const [first, second] = [run.stop(), run.stop()];
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    await expect(query(run.setup.adminUrl, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(run.stop()).resolves.toBeUndefined();
  });

  it('is stopped by [Symbol.asyncDispose], what `await using` calls at the end of its scope', async () => {
    const run = await startRun(env);
    await run[Symbol.asyncDispose]();
    await expect(query(run.setup.adminUrl, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(run.stop()).resolves.toBeUndefined();
  });
});

describe('a started server', () => {
  it('is stopped by [Symbol.asyncDispose] too, and stop() after it does nothing', async () => {
    const server = await startServer(env);
    const url = server.adminUrl.toString();
    expect(await query(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await server[Symbol.asyncDispose]();
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(server.stop()).resolves.toBeUndefined();
  });
});
