/**
 * A throwaway cluster is copied from the cluster cache, template included,
 * instead of made by initdb and migrated (servers/cluster-cache.ts). Real
 * clusters in a cache directory of the test's own (FIXTURES_CLUSTER_DIR):
 * which cluster a run got is told by what a copy keeps of its origin, the
 * cluster's system identifier (made by initdb) and the times the template's
 * migrations ran.
 */

import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { onDatabase } from '../../src/config/database-url.ts';
import { clusterCacheDir } from '../../src/harness/run/servers/cluster-cache.ts';
import { DATA_MODEL, startRun } from '../../src/harness/run/start-run.ts';
import type { TemplateSource } from '../../src/harness/run/template.ts';
import type { RunSetup } from '../../src/harness/shared/run-channel.ts';
import { query } from '../support/databases.ts';
import { ownDataModel } from '../support/own-data-model.ts';

const provider = process.env.FIXTURES_PROVIDER === 'system' ? 'system' : 'embedded';
const other = provider === 'system' ? 'embedded' : 'system';

let parent: string;
const cacheDir = () => clusterCacheDir(parent);
const entries = async () => (await readdir(cacheDir())).filter((name) => /^[0-9a-f]{32}$/.test(name)).sort();

beforeEach(async () => {
  parent = await mkdtemp('/dev/shm/fixtures-cache-test-');
  await chmod(parent, 0o755); // the server's user (postgres, under root) goes through it
  vi.stubEnv('FIXTURES_CLUSTER_DIR', parent);
  return async () => {
    vi.unstubAllEnvs();
    await rm(parent, { recursive: true, force: true });
  };
});
afterAll(() => vi.unstubAllEnvs());

const urlFor = (setup: RunSetup, database: string) => onDatabase(setup.adminUrl, database).toString();

interface Origin {
  /** initdb's, kept by every copy. */
  readonly system: string;
  /** When the template's first migration ran: where it was built. */
  readonly migrated: string;
}

async function originOf(setup: RunSetup): Promise<Origin> {
  const [control] = await query<{ id: string }>(
    setup.adminUrl,
    'SELECT system_identifier::text AS id FROM pg_control_system()',
  );
  const [history] = await query<{ at: string }>(
    urlFor(setup, setup.template),
    'SELECT min(started_at)::text AS at FROM _prisma_migrations',
  );
  return { system: control?.id as string, migrated: history?.at as string };
}

async function coldStart(
  source: TemplateSource = DATA_MODEL,
  env: Record<string, string> = {},
): Promise<Origin & { setup: RunSetup }> {
  const run = await startRun({ ...process.env, FIXTURES_PROVIDER: provider, ...env }, source);
  try {
    return { ...(await originOf(run.setup)), setup: run.setup };
  } finally {
    await run.stop();
  }
}

describe('the cluster cache', () => {
  it('gives a second cold start a copy of the cluster the first one cached, template included', async () => {
    const first = await coldStart();
    expect(await entries()).toHaveLength(2); // initdb's cluster, and one with the template in it

    const second = await coldStart();

    expect(second.system).toBe(first.system);
    expect(second.migrated).toBe(first.migrated);
    expect(second.setup.template).toBe(first.setup.template);
    expect(await entries()).toHaveLength(2);
  });

  it('builds a changed data model a cluster of its own from the same initdb cluster, and keeps the first', async () => {
    const model = await ownDataModel();
    try {
      const first = await coldStart();
      const changed = await coldStart(model.source);
      expect(changed.setup.template).not.toBe(first.setup.template);
      expect(changed.migrated).not.toBe(first.migrated);
      expect(changed.system).toBe(first.system);
      expect(await entries()).toHaveLength(3);

      expect((await coldStart(model.source)).migrated).toBe(changed.migrated);
      expect((await coldStart()).migrated).toBe(first.migrated);
    } finally {
      await model.remove();
    }
  });

  // Needs a second server beside the embedded one: Debian's, where it is installed (CI installs it).
  it.runIf(existsSync('/usr/lib/postgresql'))(
    'keys clusters by the server binaries: another server gets its own',
    async () => {
      const first = await coldStart();
      const elsewhere = await coldStart(DATA_MODEL, { FIXTURES_PROVIDER: other });
      expect(elsewhere.system).not.toBe(first.system);
      expect(await entries()).toHaveLength(4);
    },
  );

  it('is not used with FIXTURES_CLUSTER_CACHE=0', async () => {
    const first = await coldStart(DATA_MODEL, { FIXTURES_CLUSTER_CACHE: '0' });
    const second = await coldStart(DATA_MODEL, { FIXTURES_CLUSTER_CACHE: '0' });
    expect(second.system).not.toBe(first.system);
    expect(existsSync(cacheDir())).toBe(false);
  });

  it('evicts an entry that does not start, builds it anew and starts the run on it', async () => {
    const first = await coldStart();
    const [base, prepared] = await Promise.all(
      (await entries()).map(async (name) => ({ name, files: await readdir(join(cacheDir(), name, 'data', 'base')) })),
    ).then((found) => found.sort((a, b) => a.files.length - b.files.length).map(({ name }) => name));
    await rm(join(cacheDir(), prepared as string, 'data', 'global', 'pg_control'));

    const rebuilt = await coldStart();

    expect(rebuilt.migrated).not.toBe(first.migrated);
    expect(rebuilt.system).toBe(first.system); // from the same, sound, base
    expect(existsSync(join(cacheDir(), prepared as string, 'data', 'global', 'pg_control'))).toBe(true);
    expect((await coldStart()).migrated).toBe(rebuilt.migrated);
    expect(await entries()).toEqual([base, prepared].sort());
  });

  it('evicts an entry whose description is not its own, and builds it anew', async () => {
    const first = await coldStart();
    for (const name of await entries()) await writeFile(join(cacheDir(), name, 'cache.json'), '{"format": 1, "ke');

    const rebuilt = await coldStart();

    expect(rebuilt.system).not.toBe(first.system);
    expect((await coldStart()).system).toBe(rebuilt.system);
  });

  it('starts eight runs at once on an empty cache, each with a password of its own', async () => {
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => startRun({ ...process.env, FIXTURES_PROVIDER: provider })),
    );
    try {
      const urls = runs.map(({ setup }) => new URL(setup.adminUrl));
      expect(new Set(urls.map((url) => url.password)).size).toBe(8);
      for (const [index, url] of urls.entries()) {
        expect(await query<{ one: number }>(url.toString(), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
        // Another run's password, and none, are refused: a copy keeps nothing of its origin's credentials.
        const neighbour = Object.assign(new URL(url), { password: urls[(index + 1) % 8]?.password });
        await expect(query(neighbour.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
        const bare = Object.assign(new URL(url), { password: '' });
        await expect(connect(bare)).rejects.toThrow(/password/);
      }
    } finally {
      await Promise.all(runs.map((run) => run.stop()));
    }
    expect((await coldStart()).setup.template).toBe(runs[0]?.setup.template);
    expect(await readdir(cacheDir())).toEqual(await entries()); // no build left behind
  });
});

async function connect(url: URL): Promise<void> {
  const client = new pg.Client({ connectionString: url.toString(), password: '', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => {});
  }
}
