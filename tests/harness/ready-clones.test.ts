/**
 * The run's ready clones (ready-clones.ts): made before the workers ask,
 * claimed by renaming, each by exactly one claimer however many race for
 * them, refilled by the claims up to the run's files, never a look-alike,
 * and dropped with the run, not by another run's reaper while it lasts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { reapAbandonedDatabases } from '../../src/harness/run/reaper.ts';
import { parseDatabaseMarker } from '../../src/harness/shared/database-marker.ts';
import { parseHarnessName, READY_PREFIX, readyCloneName } from '../../src/harness/shared/names.ts';
import { formatOwnerTag, processStart, thisMachine } from '../../src/harness/shared/owner-tag.ts';
import { claimReadyClone } from '../../src/harness/shared/ready-clones.ts';
import { ClonePool } from '../../src/harness/worker/clone-pool.ts';
import { withClient } from '../../src/sql/with-client.ts';
import { emptyDatabase, serverUrlFor } from '../support/databases.ts';
import { startVitest } from '../support/nested-vitest.ts';

/** A tag of this process's shape that no other run has: each test's run is its own. */
/** A tag of this process's shape that is no live process's: a run that has ended, for names and the reaper. */
const newOwner = () =>
  formatOwnerTag({ machine: thisMachine(), pid: process.pid, start: `t${randomBytes(3).toString('hex')}` });

/**
 * This worker's own tag, for the ready clones a test makes: a live owner, so
 * that the reapers of the suite's other files, which share the server, leave
 * them alone (a made-up tag reads as a process gone, and they dropped one
 * mid-test). The tests run one after another; afterEach drops what each made.
 */
const liveOwner = () => formatOwnerTag({ machine: thisMachine(), pid: process.pid, start: processStart(process.pid) });

const server = () => inject('serverUrl');

async function databasesOf(owner: string): Promise<{ name: string; comment: string | null }[]> {
  return withClient(server(), async (client) => {
    const { rows } = await client.query<{ name: string; comment: string | null }>(
      `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database
        WHERE strpos(datname, $1) > 0 ORDER BY datname`,
      [owner],
    );
    return rows;
  });
}

const readyOf = async (owner: string) =>
  (await databasesOf(owner)).map(({ name }) => name).filter((name) => name.startsWith(READY_PREFIX));

const pools: ClonePool[] = [];
const owners: string[] = [];

async function poolOf(owner: string, ready: { count: number; total: number }): Promise<ClonePool> {
  const pool = await ClonePool.open({
    adminUrl: new URL(server()),
    template: inject('templateDatabase'),
    owner,
    size: 0,
    ready,
  });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  for (const owner of owners.splice(0)) await reapAbandonedDatabases(new URL(server()), { finishedOwner: owner });
});

describe('ready clone names', () => {
  it("carry the run's tag, so that the reaper knows whose they are", () => {
    const owner = newOwner();
    expect(parseHarnessName(readyCloneName(owner, 7))).toEqual({ kind: 'ready', owner });
    expect(readyCloneName(owner, 7)).toMatch(/_000007$/);
    // Near misses are the harness's by their prefix, but have no owner to go by.
    expect(parseHarnessName(`${READY_PREFIX}${owner}_7`)).toEqual({ kind: 'unowned' });
    expect(parseHarnessName(`${READY_PREFIX}x`)).toEqual({ kind: 'unowned' });
  });
});

describe("a run's ready clones", () => {
  it('are whole clones, marked as the run owner’s, before anyone claims one', async () => {
    const owner = liveOwner();
    owners.push(owner);
    await (await poolOf(owner, { count: 3, total: 10 })).prepareReady();
    const ready = (await databasesOf(owner)).filter(({ name }) => name.startsWith(READY_PREFIX));
    expect(ready.map(({ name }) => name)).toEqual([0, 1, 2].map((index) => readyCloneName(owner, index)));
    for (const { comment } of ready) {
      // The maker's pid is the run's, not the worker's that made it: that worker ends with its file.
      expect(parseDatabaseMarker(comment)).toMatchObject({ kind: 'clone', template: inject('templateDatabase') });
    }
    // The migrated tables are there: a claimer gets the template's copy.
    const url = serverUrlFor(ready[0]?.name ?? '');
    const tables = await withClient(url, (client) =>
      client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'"),
    );
    expect(tables.rows[0]?.n).toBeGreaterThan(5);
  });

  it('go each to exactly one of eight claimers racing for three', async () => {
    const owner = liveOwner();
    owners.push(owner);
    const template = inject('templateDatabase');
    await (await poolOf(owner, { count: 3, total: 3 })).prepareReady();
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => withClient(server(), (client) => claimReadyClone(client, { template, owner }))),
    );
    const won = claims.filter((claim) => claim !== undefined);
    expect(won.map(({ index }) => index).sort()).toEqual([0, 1, 2]);
    expect(new Set(won.map(({ name }) => name)).size).toBe(3);
    expect(await readyOf(owner)).toEqual([]);
    const names = (await databasesOf(owner)).map(({ name }) => name).sort();
    expect(names).toEqual(won.map(({ name }) => name).sort());
  });

  it('are refilled by the claims up to the run’s files, then made on demand', async () => {
    const owner = liveOwner();
    owners.push(owner);
    await (await poolOf(owner, { count: 2, total: 5 })).prepareReady();
    const handedOut: string[] = [];
    // Five workers, one file each: a pool apiece, closed (waiting for its refill) before the next.
    for (let file = 0; file < 5; file++) {
      const pool = await poolOf(owner, { count: 2, total: 5 });
      handedOut.push((await pool.acquire()).name);
      await pool.close();
    }
    // Clones 0…4 claimed, the last two claims beyond the total: nothing is left ready.
    expect(await readyOf(owner)).toEqual([]);
    const sixth = await poolOf(owner, { count: 2, total: 5 });
    handedOut.push((await sixth.acquire()).name);
    expect(new Set(handedOut).size).toBe(6);
    const left = (await databasesOf(owner)).map(({ name }) => name).sort();
    expect(left).toEqual([...handedOut].sort());
  });

  it('never hand out a look-alike: a ready name without the marker for this template is left alone', async () => {
    const owner = liveOwner();
    owners.push(owner);
    const template = inject('templateDatabase');
    const planted = readyCloneName(owner, 0);
    const foreign = readyCloneName(owner, 1);
    await withClient(server(), async (client) => {
      await client.query(`CREATE DATABASE "${planted}"`);
      await client.query(`CREATE DATABASE "${foreign}"`);
      await client.query(
        `COMMENT ON DATABASE "${foreign}" IS 'ctoprojects-fixtures:{"kind":"clone","template":"other","host":"h","pid":1}'`,
      );
    });
    try {
      const claim = await withClient(server(), (client) => claimReadyClone(client, { template, owner }));
      expect(claim).toBeUndefined();
      expect(await readyOf(owner)).toEqual([planted, foreign]);
      // A pool with nothing to claim clones as before.
      const clone = await (await poolOf(owner, { count: 2, total: 4 })).acquire();
      expect(clone.name).toMatch(/^fixtures_db_/);
    } finally {
      await withClient(server(), async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${planted}"`);
        await client.query(`DROP DATABASE IF EXISTS "${foreign}"`);
      });
    }
  });

  it('outlive the worker that made them, and go with the run', async () => {
    const owner = liveOwner();
    const pool = await poolOf(owner, { count: 1, total: 3 });
    await pool.prepareReady();
    // The refill's maker is this process; the run is this process too, and alive: another run's reaper keeps it.
    await reapAbandonedDatabases(new URL(server()), { finishedOwner: newOwner() });
    expect(await readyOf(owner)).toEqual([readyCloneName(owner, 0)]);
    await reapAbandonedDatabases(new URL(server()), { finishedOwner: owner });
    expect(await readyOf(owner)).toEqual([]);
  });
});

describe('a Vitest run through the package’s global setup', () => {
  const CONFIG = fileURLToPath(new URL('fixtures/workers/vitest.config.ts', import.meta.url));

  it('hands the first files the ready clones, makes no more than the files and the workers need, and leaves none', async () => {
    const database = await emptyDatabase();
    const dir = await mkdtemp(join(fileURLToPath(new URL('fixtures/workers/', import.meta.url)), 'files-'));
    try {
      const files = 4;
      for (let file = 0; file < files; file++) {
        await writeFile(
          join(dir, `file-${file}.fixture.ts`),
          `import { expect, test } from '@ctoprojects/fixtures/vitest';
test('writes and reads', async ({ db }) => {
  await db.prisma.user.create({ data: { email: 'f${file}@ctoprojects.dev', displayName: 'F' } });
  expect(await db.prisma.user.count()).toBe(1);
});
`,
        );
      }
      const run = startVitest(CONFIG, ['--maxWorkers=2'], {
        env: {
          FIXTURES_PROVIDER: 'external',
          TEST_DATABASE_URL: database.url,
          FIXTURES_HARNESS: undefined,
          FIXTURES_TEST_FILES_DIR: dir,
          DEBUG: 'fixtures:clone',
        },
        timeoutMs: 120_000,
      });
      // The nested run's own tag: the server is shared with this suite's other files and their clones.
      const pid = run.child.pid as number;
      const owner = formatOwnerTag({ machine: thisMachine(), pid, start: processStart(pid) });
      const result = await run.result;
      expect(result.code, result.output).toBe(0);
      const claimed = (result.stderr.match(/claimed ready clone \d+/g) ?? []).sort();
      // The two made before the workers started are the first two files'. A later file claims the refill its
      // predecessor made while its tests ran, or, on a loaded machine where that is not ready yet, clones its own.
      expect(claimed.slice(0, 2)).toEqual(['claimed ready clone 0', 'claimed ready clone 1']);
      const made = result.stderr.match(/made fixtures_ready_\S+/g)?.length ?? 0;
      const cloned = result.stderr.match(/cloned fixtures_db_\S+/g)?.length ?? 0;
      expect(claimed.length + cloned).toBe(files);
      // Ready clones made: the two first, and one per claim up to the files; never more.
      expect(made).toBeLessThanOrEqual(files);
      expect(await databasesOf(owner)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
