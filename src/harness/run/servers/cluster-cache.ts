/**
 * Ready-made throwaway clusters, copied instead of made: `initdb` takes about
 * 380 ms here and the template's migrations 90–130 ms more, where copying the
 * ~50 MB of a cluster within /dev/shm takes about 30 ms.
 *
 * The cache is a directory beside the throwaway clusters,
 * `<parent>/fixtures-cache-<uid>/`, with two kinds of entry, each a
 * stopped cluster (`data/`) and its `cache.json`, named by its key:
 *
 * - a base: what `initdb` makes, keyed by the server binaries (their path,
 *   size and time) and this file's format;
 * - a prepared cluster: a base with the template built in it, keyed by the
 *   base's key and the template's source hash (shared/template-identity.ts). Prepared from a
 *   copy of the base, started, filled, stopped cleanly.
 *
 * An entry is built in a throwaway cluster's directory (`fixtures-pg-<owner>-*`,
 * reaped as one if its builder is killed), with a marker `build-<key>-<owner>-*`
 * in the cache meanwhile, and renamed into place once complete: a reader finds a whole entry or none, and of two racing builders
 * the second's rename fails and it uses the first's. While a live process
 * builds an entry, others do not build it too: they copy the base (and build
 * the template in their own cluster, as without a cache) or make their
 * cluster from scratch. An entry is removed by renaming it to `evicted-*`
 * first, and a copy is trusted only if the entry still had its name after it
 * was copied, so a copy never misses files an eviction took. An entry
 * that is not what its name says, or a copy that does not start, is evicted,
 * and the next start builds it anew. At most {@link MAX_ENTRIES} entries are
 * kept, the least recently used evicted first. What a killed builder left is
 * removed by the next start, as abandoned clusters are.
 *
 * A cached cluster holds no password (cluster-access.ts): each copy gets its
 * own when it starts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import createDebug from '../../../text/debug.ts';
import { currentOwnerTag, OWNER_TAG_PATTERN, ownerIsGone } from '../../shared/owner-tag.ts';
import { cleanUpOnExit } from '../exit-cleanup.ts';
import { CLUSTER_PREFIX, ownedPrefix } from './abandoned-clusters.ts';
import { setSuperuserPassword, superuserUrl } from './cluster-access.ts';
import { throwawayClusterParent } from './cluster-directory.ts';
import { stopClusterProcesses, stopClusterProcessesSync } from './cluster-processes.ts';
import { portWasTaken, startOnFreePort } from './free-port.ts';

const debug = createDebug('fixtures:cluster-cache');

/** Bumped whenever what an entry holds changes shape (initdb's options, the access files). */
const CACHE_FORMAT = 1;
/** About 40 MB a base and 50 MB a prepared cluster, in memory when under /dev/shm. */
export const MAX_ENTRIES = 5;
const CACHE_DIR_PREFIX = 'fixtures-cache-';
const ENTRY_NAME = /^[0-9a-f]{32}$/;
const BUILD = new RegExp(`^build-[0-9a-f]{8}-(${OWNER_TAG_PATTERN})-[A-Za-z0-9]{6}$`);
const EVICTED = new RegExp(`^evicted-(${OWNER_TAG_PATTERN})-[A-Za-z0-9]{6}$`);

/** What a prepared cluster holds beyond initdb's: built once in the cluster, before it is cached. */
export interface ClusterPreparation {
  /** A hash of everything `prepare` puts in the cluster: part of the entry's key (asked only when the cache is used). */
  key(): Promise<string>;
  /** Fills a running cluster, through its superuser's URL. */
  prepare(url: URL): Promise<void>;
}

/** What the cache needs of the server it caches clusters of (local-postgres.ts). */
export interface ClusterTools {
  readonly binDir: string;
  /** `initdb` into `dataDir` (absent), with no password and the access files of cluster-access.ts. */
  initdb(dataDir: string): Promise<void>;
  /** Starts the cluster on `port` and waits until it accepts connections. */
  start(dataDir: string, port: number): Promise<void>;
  /** Stops it cleanly (a shutdown checkpoint), so that a copy starts without recovery. */
  stop(dataDir: string): Promise<void>;
  /** `cp -a from to`, as the server's user, so the copy is that user's too. */
  copy(from: string, to: string): Promise<void>;
  /** Under root, gives `path` to the server's user. */
  handToServerUser(path: string): Promise<void>;
}

/** A cluster copied from the cache into a data directory. */
export interface CachedCopy {
  /** Removes the entry it came from: the copy would not start. */
  evict(): Promise<void>;
}

interface EntryFile {
  readonly format: number;
  readonly key: string;
}

/** The cache's directory for this user, beside the throwaway clusters. */
export function clusterCacheDir(parent: string = throwawayClusterParent()): string {
  return join(parent, `${CACHE_DIR_PREFIX}${process.getuid?.() ?? 0}`);
}

const hash = (...parts: readonly string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);

/** The key of a base: which binaries made it. A reinstalled or upgraded server has a new size or time. */
async function baseKey(binDir: string): Promise<string> {
  const postgres = await stat(join(binDir, 'postgres'));
  return hash(`format ${CACHE_FORMAT}`, await realpath(binDir), String(postgres.size), String(postgres.mtimeMs));
}

/**
 * Copies a cached cluster for `preparation` into `dataDir` (which must not
 * exist), building the entries it needs first; `undefined` when there is
 * none to copy (another process builds it, or it could not be built): make
 * the cluster as without a cache then. Never throws for the cache's sake.
 */
export async function copyCachedCluster(
  dataDir: string,
  tools: ClusterTools,
  preparation: ClusterPreparation,
): Promise<CachedCopy | undefined> {
  const started = performance.now();
  const dir = clusterCacheDir();
  try {
    if (!(await usableCacheDir(dir))) return undefined;
    await reapCacheDebris(dir);
    const base = await baseKey(tools.binDir);
    const preparedKey = hash(base, await preparation.key());
    const copied = async (key: string, prepared: boolean): Promise<CachedCopy | undefined> => {
      const entry = join(dir, key);
      if (!(await copyEntry(entry, dataDir, tools))) return undefined;
      debug('copied the %s cluster %s in %d ms', prepared ? 'prepared' : 'base', entry, ms(started));
      return { evict: () => evict(dir, entry) };
    };
    if (await entryIsValid(dir, preparedKey)) return await copied(preparedKey, true);
    const baseReady = (await entryIsValid(dir, base)) || (await buildBase(dir, base, tools));
    if (!baseReady) return undefined;
    if (await buildPrepared(dir, base, preparedKey, tools, preparation)) {
      const copy = await copied(preparedKey, true);
      if (copy) return copy;
    }
    return await copied(base, false);
  } catch (error) {
    debug('no cached cluster (%s): making one', (error as Error).message);
    await rm(dataDir, { recursive: true, force: true });
    return undefined;
  }
}

const ms = (since: number) => Math.round(performance.now() - since);

/** Ours alone: made by this user, writable by no one else (a cluster planted in /dev/shm must not be run). */
async function usableCacheDir(dir: string): Promise<boolean> {
  await mkdir(dir, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const info = await lstat(dir);
  const ours = info.isDirectory() && info.uid === (process.getuid?.() ?? info.uid) && (info.mode & 0o022) === 0;
  if (!ours) debug('not using the cache %s: it is not a directory of this user alone', dir);
  return ours;
}

/** The markers of killed builders and what killed evictions left: removed once their owner is gone. */
async function reapCacheDebris(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const owner = (BUILD.exec(name) ?? EVICTED.exec(name))?.[1];
    if (owner === undefined || !ownerIsGone(owner)) continue;
    const path = join(dir, name);
    await stopClusterProcesses(path);
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
    debug('removed %s, which a killed process left', path);
  }
}

/** An entry's cache.json; `undefined` when there is none, `{}` when it is not one. */
function readEntryFile(entry: string): Promise<EntryFile | undefined> {
  return readFile(join(entry, 'cache.json'), 'utf8').then(
    (text) => {
      try {
        return JSON.parse(text) as EntryFile;
      } catch {
        return {} as EntryFile;
      }
    },
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : ({} as EntryFile)),
  );
}

async function entryIsValid(dir: string, key: string): Promise<boolean> {
  const entry = join(dir, key);
  let file = await readEntryFile(entry);
  if (file === undefined) {
    if (!(await exists(entry))) return false;
    // Published between the two looks: a published entry arrives with its cache.json in it.
    file = await readEntryFile(entry);
  }
  if (file?.format === CACHE_FORMAT && file.key === key && (await exists(join(entry, 'data', 'PG_VERSION')))) {
    return true;
  }
  debug('%s is not a whole cache entry: evicting it', entry);
  await evict(dir, entry);
  return false;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * `entry/data` copied to `dataDir`; false if the entry went meanwhile. An
 * eviction renames the entry before it deletes a file, so an entry that
 * still has its name (and inode) after the copy lost nothing during it.
 */
async function copyEntry(entry: string, dataDir: string, tools: ClusterTools): Promise<boolean> {
  const before = await stat(entry).catch(() => undefined);
  if (!before) return false;
  try {
    await tools.copy(join(entry, 'data'), dataDir);
  } catch (error) {
    debug('copying %s failed (%s)', entry, (error as Error).message);
    await rm(dataDir, { recursive: true, force: true });
    return false;
  }
  const after = await stat(entry).catch(() => undefined);
  if (after?.ino !== before.ino) {
    debug('%s was evicted while it was copied: not using the copy', entry);
    await rm(dataDir, { recursive: true, force: true });
    return false;
  }
  const now = new Date();
  await utimes(entry, now, now).catch(() => {}); // the last use, for the eviction order
  return true;
}

/** `build-<8 hex digits of the key>-`: the name of the marker a builder keeps in the cache while it builds. */
const buildPrefix = (key: string) => `build-${key.slice(0, 8)}-`;

/** Whether a live process builds the entry `key` now: then this one does not build it too. */
async function someoneBuilds(dir: string, key: string): Promise<boolean> {
  return (await readdir(dir)).some((name) => {
    const owner = BUILD.exec(name)?.[1];
    return owner !== undefined && name.startsWith(buildPrefix(key)) && !ownerIsGone(owner);
  });
}

/**
 * Runs `fill` on a new build directory and renames it to the entry `key`;
 * false (and a debug line) if it failed or another process builds the entry.
 */
async function build(
  dir: string,
  key: string,
  tools: ClusterTools,
  fill: (root: string) => Promise<boolean>,
): Promise<boolean> {
  if (await someoneBuilds(dir, key)) {
    debug('another process builds %s: not waiting for it', join(dir, key));
    return false;
  }
  const started = performance.now();
  const owner = currentOwnerTag();
  // The build itself is a throwaway cluster like any (reaped as one): a socket path in the cache would be too long.
  const marker = await mkdtemp(join(dir, ownedPrefix(buildPrefix(key), owner)));
  const root = await mkdtemp(join(dirname(dir), ownedPrefix(CLUSTER_PREFIX, owner)));
  const forgetOnExit = cleanUpOnExit(() => {
    stopClusterProcessesSync(root);
    rmSync(root, { recursive: true, force: true });
    rmSync(marker, { recursive: true, force: true });
  });
  try {
    await tools.handToServerUser(root);
    if (!(await fill(root))) return false;
    await writeFile(join(root, 'cache.json'), JSON.stringify({ format: CACHE_FORMAT, key }));
    await publish(root, join(dir, key));
    debug('cached %s in %d ms', join(dir, key), ms(started));
    await evictLeastRecentlyUsed(dir);
    return true;
  } catch (error) {
    debug('could not cache %s (%s)', join(dir, key), (error as Error).message);
    return false;
  } finally {
    await stopClusterProcesses(root);
    await rm(root, { recursive: true, force: true });
    await rm(marker, { recursive: true, force: true });
    forgetOnExit();
  }
}

async function buildBase(dir: string, key: string, tools: ClusterTools): Promise<boolean> {
  return build(dir, key, tools, async (root) => {
    await tools.initdb(join(root, 'data'));
    return true;
  });
}

async function buildPrepared(
  dir: string,
  base: string,
  key: string,
  tools: ClusterTools,
  preparation: ClusterPreparation,
): Promise<boolean> {
  return build(dir, key, tools, async (root) => {
    const dataDir = join(root, 'data');
    if (!(await copyEntry(join(dir, base), dataDir, tools))) return false;
    let port: number;
    try {
      port = await startOnFreePort((drawn) => tools.start(dataDir, drawn));
    } catch (error) {
      if (portWasTaken(error)) throw error;
      // Nothing but the base's files ran here: the base is at fault.
      debug('a copy of the base %s does not start: evicting it', base);
      await evict(dir, join(dir, base));
      throw error;
    }
    const password = randomBytes(12).toString('hex');
    await setSuperuserPassword(dataDir, port, password);
    await preparation.prepare(superuserUrl(port, password));
    await setSuperuserPassword(dataDir, port, null);
    await tools.stop(dataDir);
    // The build's own traces: its log, and the command line it was started with.
    for (const trace of ['server.log', 'postmaster.opts']) await rm(join(dataDir, trace), { force: true });
    return true;
  });
}

/** Into place at once; if another builder was first, its entry stays and this build goes. */
async function publish(root: string, entry: string): Promise<void> {
  await rename(root, entry).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    debug('%s was cached by another process meanwhile', entry);
  });
}

/** Renamed away first (a copy under way then fails or is refused), then removed. */
async function evict(dir: string, entry: string): Promise<void> {
  const away = await mkdtemp(join(dir, ownedPrefix('evicted-', currentOwnerTag())));
  try {
    await rename(entry, join(away, 'entry'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  } finally {
    await rm(away, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function evictLeastRecentlyUsed(dir: string): Promise<void> {
  const entries = await Promise.all(
    (await readdir(dir))
      .filter((name) => ENTRY_NAME.test(name))
      .map(async (name) => ({ name, used: (await stat(join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  entries.sort((a, b) => b.used - a.used);
  for (const { name } of entries.slice(MAX_ENTRIES)) {
    debug('evicting %s, the least recently used', join(dir, name));
    await evict(dir, join(dir, name));
  }
}
