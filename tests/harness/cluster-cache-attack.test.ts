/**
 * Attacks on the cluster cache (servers/cluster-cache.ts) with real processes
 * and real PostgreSQL, in a cache of the file's own (FIXTURES_CLUSTER_DIR):
 * separate `node` processes racing on an empty cache, builders killed with
 * SIGKILL in the middle of a build, caches planted by another user or open to
 * others, the copy's password looked for in every file and process a run
 * leaves readable, who the socket's `peer` map lets in, a start that fails for
 * a reason that is not the entry's, and more data models than the cache keeps.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { chmod, chown, lchown, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { clusterCacheDir, MAX_ENTRIES } from '../../src/harness/run/servers/cluster-cache.ts';
import { startLocalPostgres } from '../../src/harness/run/servers/local-postgres.ts';
import { DATA_MODEL } from '../../src/harness/run/start-run.ts';
import { ensureTemplate } from '../../src/harness/run/template.ts';
import { processIsAlive } from '../../src/harness/shared/abandoned.ts';
import { templateSourceHash } from '../../src/harness/shared/template-identity.ts';
import { query } from '../support/databases.ts';
import { ownDataModel } from '../support/own-data-model.ts';
import { PROJECT_ROOT, type StartedChild, startNode } from '../support/run-cli.ts';

const execFile = promisify(execFileCallback);
const provider = process.env.FIXTURES_PROVIDER === 'system' ? 'system' : 'embedded';
const asRoot = process.getuid?.() === 0;
const ENTRY = /^[0-9a-f]{32}$/;

/** What a run set up by the script saw: its URL, its cluster, and where its cluster came from. */
interface RunInfo {
  readonly adminUrl: string;
  readonly template: string;
  readonly dataDir: string;
  readonly postmaster: number;
  /** initdb's system identifier, kept by every copy. */
  readonly system: string;
  /** When the template's first migration ran: where it was built. */
  readonly migrated: string;
}

let scripts: string;
let runScript: string;

beforeAll(async () => {
  scripts = await mkdtemp(join(tmpdir(), 'fixtures-cache-attack-scripts-'));
  runScript = join(scripts, 'run.mts');
  // startRun() and teardown, as a test runner's global setup does them, in a process of its own.
  // With ATTACK_HOLD=1 it keeps the run up until SIGUSR2; with ATTACK_MODEL a data model of its own.
  await writeFile(
    runScript,
    `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_MODEL, startRun } from ${JSON.stringify(join(PROJECT_ROOT, 'src/harness/run/start-run.ts'))};
import { withClient } from ${JSON.stringify(join(PROJECT_ROOT, 'src/sql/with-client.ts'))};

const source = process.env.ATTACK_MODEL ? JSON.parse(process.env.ATTACK_MODEL) : DATA_MODEL;
const run = await startRun(process.env, source);
const { adminUrl, template } = run.setup;
const cluster = await withClient(adminUrl, async (client) => ({
  dataDir: (await client.query('SHOW data_directory')).rows[0].data_directory,
  system: (await client.query('SELECT system_identifier::text AS id FROM pg_control_system()')).rows[0].id,
}));
const url = new URL(adminUrl);
url.pathname = '/' + template;
const migrated = await withClient(url.toString(), async (client) =>
  (await client.query('SELECT min(started_at)::text AS at FROM _prisma_migrations')).rows[0].at);
const postmaster = Number(readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\\n')[0]);
process.stdout.write(JSON.stringify({ adminUrl, template, migrated, postmaster, ...cluster }) + '\\n');
if (process.env.ATTACK_HOLD === '1') {
  const alive = setInterval(() => {}, 60_000);
  await new Promise((resolve) => process.once('SIGUSR2', resolve));
  clearInterval(alive);
}
await run.stop();
`,
  );
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(scripts, { recursive: true, force: true });
});

let parent: string;
const cacheDir = (of: string = parent) => clusterCacheDir(of);
const entries = async (of: string = parent) =>
  (await readdir(cacheDir(of)).catch(() => [])).filter((name) => ENTRY.test(name)).sort();

async function scratchParent(): Promise<string> {
  const made = await mkdtemp('/dev/shm/fixtures-cache-attack-');
  await chmod(made, 0o755); // the server's user (postgres, under root) goes through it
  return made;
}

beforeEach(async () => {
  parent = await scratchParent();
  return async () => {
    vi.unstubAllEnvs();
    await rm(parent, { recursive: true, force: true });
  };
});

const envFor = (of: string, extra: Record<string, string> = {}) => ({
  FIXTURES_PROVIDER: provider,
  FIXTURES_CLUSTER_DIR: of,
  FIXTURES_HARNESS: undefined,
  TEST_DATABASE_URL: undefined,
  DATABASE_URL: undefined,
  DEBUG: 'fixtures:cluster-cache,fixtures:local-postgres',
  ...extra,
});

function startRun(of: string, extra: Record<string, string> = {}): StartedChild {
  return startNode([runScript], { env: envFor(of, extra), timeoutMs: 240_000 });
}

async function infoOf(run: StartedChild): Promise<RunInfo> {
  return JSON.parse(await run.line(/^\{"adminUrl"/)) as RunInfo;
}

/** One whole run in a process of its own: what it saw, after it exited 0. */
async function runOnce(of: string = parent, extra: Record<string, string> = {}): Promise<RunInfo> {
  const run = startRun(of, extra);
  const result = await run.result;
  expect(result.code, result.output).toBe(0);
  return JSON.parse(result.stdout.split('\n').find((line) => line.startsWith('{"adminUrl"')) as string) as RunInfo;
}

/** Pids of the processes whose command line or working directory names `path`. */
function processesNaming(path: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      try {
        const cwd = (() => {
          try {
            return readlinkSync(`/proc/${pid}/cwd`);
          } catch {
            return '';
          }
        })();
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path) || cwd.startsWith(path);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(processIsAlive);
}

/** The names in the cache that are neither an entry nor nothing: builds' markers, half-done evictions. */
const debris = async (of: string = parent) =>
  (await readdir(cacheDir(of)).catch(() => [])).filter((name) => !ENTRY.test(name));
const clustersIn = (of: string) => readdirSync(of).filter((name) => name.startsWith('fixtures-pg-'));

async function refusesPassword(url: URL, password: string): Promise<void> {
  const other = Object.assign(new URL(url), { password });
  await expect(query(other.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
}

describe('separate processes on one empty cache', () => {
  it('start eight runs at once, each on its own password; the cache then holds one base and one prepared cluster and nothing else', async () => {
    const runs = Array.from({ length: 8 }, () => startRun(parent, { ATTACK_HOLD: '1' }));
    let infos: RunInfo[];
    try {
      infos = await Promise.all(runs.map(infoOf));
      const urls = infos.map((info) => new URL(info.adminUrl));
      expect(new Set(urls.map((url) => url.password)).size).toBe(8);
      expect(new Set(infos.map((info) => info.dataDir)).size).toBe(8);
      for (const [index, url] of urls.entries()) {
        expect(await query<{ one: number }>(url.toString(), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
        await refusesPassword(url, urls[(index + 1) % 8]?.password as string);
      }
    } finally {
      for (const run of runs) run.child.kill('SIGUSR2');
    }
    const results = await Promise.all(runs.map((run) => run.result));
    for (const result of results) expect(result.code, result.output).toBe(0);
    const copies = results.filter((result) => /copied the prepared cluster/.test(result.stderr)).length;
    const initdbs = results.filter((result) => !/copied the (prepared|base) cluster/.test(result.stderr)).length;
    console.log(`eight processes at once: ${copies} copied a prepared cluster, ${initdbs} made theirs by initdb`);

    expect(await entries()).toHaveLength(2);
    expect(await debris()).toEqual([]);
    expect(clustersIn(parent)).toEqual([]);
    expect(processesNaming(parent)).toEqual([]);
    // And what they cached is used: two runs after them get the same cluster, template included.
    const next = await runOnce();
    const after = await runOnce();
    expect(after.system).toBe(next.system);
    expect(after.migrated).toBe(next.migrated);
    expect(await entries()).toHaveLength(2);
  });
});

describe('a builder killed with SIGKILL in the middle of a build', () => {
  async function killWhen(ready: () => Promise<boolean>): Promise<{ pid: number; left: string[] }> {
    const run = startRun(parent);
    const pid = run.child.pid as number;
    try {
      await vi.waitUntil(ready, { timeout: 120_000, interval: 2 });
    } finally {
      run.child.kill('SIGKILL');
    }
    const result = await run.result;
    expect(result.signal, result.output).toBe('SIGKILL');
    return { pid, left: clustersIn(parent).filter((name) => name.includes(`_${pid}_`)) };
  }

  async function expectRecovered(pid: number): Promise<void> {
    const first = await runOnce();
    expect(await debris()).toEqual([]);
    expect(clustersIn(parent).filter((name) => name.includes(`_${pid}_`))).toEqual([]);
    expect(processesNaming(parent)).toEqual([]);
    expect(await entries()).toHaveLength(2);
    const second = await runOnce();
    expect(second.migrated).toBe(first.migrated); // the cache works again: a copy of what the first one cached
    expect(second.system).toBe(first.system);
  }

  it('while initdb makes the base: the next start removes its marker and its build, and caches both entries', async () => {
    const { pid, left } = await killWhen(async () => (await debris()).some((name) => name.startsWith('build-')));
    expect(await debris(), 'the kill landed during the build').not.toEqual([]);
    expect(left.length, 'the killed run left its cluster directories').toBeGreaterThan(0);

    await expectRecovered(pid);
  });

  it("while the template is migrated in the prepared cluster: the build's server is stopped, its files removed, and the entry built anew", async () => {
    let buildServer: number | undefined;
    const { pid, left } = await killWhen(async () => {
      if ((await entries()).length !== 1 || !(await debris()).some((name) => name.startsWith('build-'))) return false;
      // The build's own cluster is up (its pid file exists): it runs migrations now.
      for (const name of clustersIn(parent)) {
        const pidFile = join(parent, name, 'data', 'postmaster.pid');
        if (existsSync(pidFile)) {
          buildServer = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
          if (buildServer > 0) return true;
        }
      }
      return false;
    });
    expect(left.length).toBeGreaterThan(0);
    expect(processIsAlive(buildServer as number), "the build's server outlived its killed builder").toBe(true);

    await expectRecovered(pid);
    expect(processIsAlive(buildServer as number)).toBe(false);
  });
});

describe.runIf(asRoot)('a planted cache (as root: another user is needed to plant one)', () => {
  let sound: string;
  let soundSystem: string;

  beforeAll(async () => {
    // A real, valid cache, made by a run of ours: what an attacker would copy into place.
    sound = await scratchParent();
    soundSystem = (await runOnce(sound)).system;
    expect(await entries(sound)).toHaveLength(2);
  });
  afterAll(async () => {
    await rm(sound, { recursive: true, force: true });
  });

  const nobody = async () => {
    const [uid, gid] = await Promise.all(
      [['-u'], ['-g']].map(async (flag) => Number((await execFile('id', [...flag, 'nobody'])).stdout.trim())),
    );
    return { uid: uid as number, gid: gid as number };
  };

  async function expectNotUsed(): Promise<void> {
    const listing = readdirSync(cacheDir()).sort();
    const run = await runOnce();
    expect(run.system, 'the run started the planted cluster').not.toBe(soundSystem);
    expect(readdirSync(cacheDir()).sort()).toEqual(listing); // nothing built into it, nothing taken out
  }

  it('is run when it is ours (the control: a planted copy that got past the checks would be seen)', async () => {
    await execFile('cp', ['-a', cacheDir(sound), cacheDir()]);
    expect((await runOnce()).system).toBe(soundSystem);
  });

  it('is not run when its directory belongs to another user, even with entries that are all sound', async () => {
    await execFile('cp', ['-a', cacheDir(sound), cacheDir()]); // owners and modes as they were
    const { uid, gid } = await nobody();
    await chown(cacheDir(), uid, gid);

    await expectNotUsed();
  });

  it('is not run when its directory is ours but others may write in it', async () => {
    await execFile('cp', ['-a', cacheDir(sound), cacheDir()]);
    await chmod(cacheDir(), 0o777);

    await expectNotUsed();
    expect((await stat(cacheDir())).mode & 0o777).toBe(0o777); // left as it was found
  });

  it("is not followed when it is another user's symbolic link to a cache", async () => {
    const elsewhere = join(parent, 'planted');
    await execFile('cp', ['-a', cacheDir(sound), elsewhere]);
    const { uid, gid } = await nobody();
    await chown(elsewhere, uid, gid);
    await symlink(elsewhere, cacheDir());
    await lchown(cacheDir(), uid, gid);

    await expectNotUsed();
  });
});

describe("a copy's password", () => {
  /** Every regular file under `root`, as [path, contents]. */
  async function* filesUnder(root: string): AsyncGenerator<[string, Buffer]> {
    for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
      const path = join(root, entry.name);
      if (entry.isDirectory()) yield* filesUnder(path);
      else if (entry.isFile()) yield [path, await readFile(path).catch(() => Buffer.alloc(0))];
    }
  }

  it('is in no file of the run, of the cache or of the temp directory, nor in the server command line, environment or debug output', async () => {
    await runOnce(); // the cache is filled: the run below gets a copy
    const run = startRun(parent, { ATTACK_HOLD: '1', DEBUG: 'fixtures*' });
    let info: RunInfo;
    try {
      info = await infoOf(run);
      const password = new URL(info.adminUrl).password;
      expect(password).toMatch(/^[0-9a-f]{24}$/);
      const holding: string[] = [];
      for (const root of [
        parent,
        ...readdirSync(tmpdir())
          .filter((name) => name.startsWith('fixtures-'))
          .map((name) => join(tmpdir(), name)),
      ]) {
        for await (const [path, contents] of filesUnder(root)) if (contents.includes(password)) holding.push(path);
      }
      expect(holding).toEqual([]);
      for (const file of ['cmdline', 'environ']) {
        expect(readFileSync(`/proc/${info.postmaster}/${file}`, 'utf8'), `/proc/<postmaster>/${file}`).not.toContain(
          password,
        );
      }
      // The data directory and the server's log are its owner's alone.
      expect(statSync(info.dataDir).mode & 0o077).toBe(0);
      expect(statSync(join(info.dataDir, 'server.log')).mode & 0o077).toBe(0);
    } finally {
      run.child.kill('SIGUSR2');
    }
    const result = await run.result;
    expect(result.code, result.output).toBe(0);
    expect(result.stderr).toMatch(/copied the prepared cluster/);
    // What the run printed itself (its debug output); stdout is this script's own line, URL included.
    expect(result.stderr).not.toContain(new URL(info.adminUrl).password);
  });
});

describe("the socket's peer map", () => {
  it('lets in only this OS user, only as postgres, and no rule trusts anyone', async () => {
    await runOnce();
    const run = startRun(parent, { ATTACK_HOLD: '1' });
    try {
      const info = await infoOf(run);
      const port = Number(new URL(info.adminUrl).port);
      const overSocket = async (user: string) => {
        const client = new pg.Client({
          host: info.dataDir,
          port,
          user,
          database: 'postgres',
          connectionTimeoutMillis: 5000,
        });
        try {
          await client.connect();
          return (await client.query<{ who: string }>('SELECT current_user AS who')).rows[0]?.who;
        } finally {
          await client.end().catch(() => {});
        }
      };
      expect(await overSocket('postgres')).toBe('postgres');

      const me = userInfo().username;
      await query(info.adminUrl, `CREATE ROLE app LOGIN; CREATE ROLE "${me}_other" LOGIN SUPERUSER`);
      if (me !== 'postgres') await query(info.adminUrl, `CREATE ROLE "${me}" LOGIN SUPERUSER`);
      await expect(overSocket('app')).rejects.toThrow(/pg_hba\.conf|authentication failed/);
      await expect(overSocket(`${me}_other`)).rejects.toThrow(/pg_hba\.conf|authentication failed/);
      if (me !== 'postgres') await expect(overSocket(me)).rejects.toThrow(/pg_hba\.conf|authentication failed/);

      const rules = await query<{ type: string; auth_method: string; user_name: string[] }>(
        info.adminUrl,
        'SELECT type, auth_method, user_name FROM pg_hba_file_rules',
      );
      expect(rules.map((rule) => rule.auth_method)).not.toContain('trust');
      expect(rules.filter((rule) => rule.type === 'local')).toEqual([
        { type: 'local', auth_method: 'peer', user_name: ['postgres'] },
      ]);

      if (asRoot) {
        // The server's own OS user owns the files, but is not in the map; another user cannot reach the socket.
        for (const osUser of ['postgres', 'nobody']) {
          const psql = execFile('runuser', [
            '-u',
            osUser,
            '--',
            'psql',
            '-w',
            '-h',
            info.dataDir,
            '-p',
            String(port),
            '-U',
            'postgres',
            '-d',
            'postgres',
            '-c',
            'SELECT 1',
          ]);
          await expect(psql, `psql as ${osUser}`).rejects.toThrow(
            osUser === 'postgres' ? /Peer authentication failed/ : /Permission denied|No such file/,
          );
        }
      }
    } finally {
      run.child.kill('SIGUSR2');
    }
    expect((await run.result).code).toBe(0);
  });
});

describe('a start that fails for a reason that is not the entry', () => {
  let taken: Server;
  afterAll(() => new Promise<void>((resolve) => (taken ? taken.close(() => resolve()) : resolve())));

  it('keeps the sound prepared cluster it copied: a port in use is no reason to evict and rebuild it', async () => {
    vi.stubEnv('FIXTURES_CLUSTER_DIR', parent);
    const cache = {
      key: () => templateSourceHash(DATA_MODEL),
      prepare: async (url: URL) => {
        await ensureTemplate(url, DATA_MODEL);
      },
    };
    const first = await startLocalPostgres({ binaries: provider, cache });
    await first.stop();
    const before = new Map(
      await Promise.all(
        (await entries()).map(async (name) => [name, (await stat(join(cacheDir(), name))).ino] as const),
      ),
    );
    expect(before.size).toBe(2);

    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    await expect(startLocalPostgres({ binaries: provider, cache, port })).rejects.toThrow(/did not start on port/);

    const after = new Map(
      await Promise.all(
        (await entries()).map(async (name) => [name, (await stat(join(cacheDir(), name))).ino] as const),
      ),
    );
    expect(after, 'the cached clusters were evicted and rebuilt for a port that was taken').toEqual(before);
  });
});

describe('more data models than the cache keeps', () => {
  it(`keeps at most ${MAX_ENTRIES} entries, the last one used among them, and every run starts`, async () => {
    const models = await Promise.all(Array.from({ length: MAX_ENTRIES }, () => ownDataModel()));
    try {
      let last: RunInfo | undefined;
      for (const model of models) last = await runOnce(parent, { ATTACK_MODEL: JSON.stringify(model.source) });
      expect((await entries()).length).toBeLessThanOrEqual(MAX_ENTRIES);
      expect(await debris()).toEqual([]);
      const again = await runOnce(parent, { ATTACK_MODEL: JSON.stringify(models.at(-1)?.source) });
      expect(again.migrated, 'the last data model cached is still there').toBe(last?.migrated);
    } finally {
      await Promise.all(models.map((model) => model.remove()));
    }
  });
});
