/**
 * Throwaway clusters (`/dev/shm/fixtures-pg-*` or `<tmp>/fixtures-pg-*`) whose
 * process was killed before it could stop them keep running and keep their
 * files; so do the directories `initdb` reads the superuser's password from
 * (`<tmp>/fixtures-pg-init-*`), when the kill came during `initdb`. Both are
 * named with their owner's tag (owner-tag.ts) from the moment they exist, and
 * the next start stops and removes those whose owner is provably gone.
 *
 * Older versions named them without a tag: a cluster then says its owner in
 * `owner.json` (still written, for those versions' reapers), and a password
 * directory says nothing; one is removed once it is an hour old, which no
 * `initdb` takes.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import createDebug from '../../../text/debug.ts';
import { isAbandonedBy } from '../../shared/abandoned.ts';
import { OWNER_TAG_PATTERN, ownerIsGone } from '../../shared/owner-tag.ts';
import { clusterParents } from './cluster-directory.ts';
import { stopClusterProcesses } from './cluster-processes.ts';

const debug = createDebug('fixtures:reaper');

export const CLUSTER_PREFIX = 'fixtures-pg-';
/** The directory `initdb` reads the password from: outside the data directory, which must be empty. */
export const PASSWORD_DIR_PREFIX = 'fixtures-pg-init-';
const OWNER_FILE = 'owner.json';
const OLD_PASSWORD_DIR_AGE_MS = 60 * 60 * 1000;

/** `<prefix><owner tag>-`: the mkdtemp prefix of a directory owned by `owner`. */
export const ownedPrefix = (prefix: string, owner: string) => `${prefix}${owner}-`;

const OWNED_CLUSTER = new RegExp(`^${CLUSTER_PREFIX}(${OWNER_TAG_PATTERN})-[A-Za-z0-9]{6}$`);
const OWNED_PASSWORD_DIR = new RegExp(`^${PASSWORD_DIR_PREFIX}(${OWNER_TAG_PATTERN})-[A-Za-z0-9]{6}$`);
const OLD_PASSWORD_DIR = new RegExp(`^${PASSWORD_DIR_PREFIX}[A-Za-z0-9]{6}$`);

/** Records this process as the owner of the throwaway cluster in `root`, for older versions' reapers. */
export async function claimCluster(root: string): Promise<void> {
  await writeFile(join(root, OWNER_FILE), JSON.stringify({ host: hostname(), pid: process.pid }));
}

async function clusterIsAbandoned(parent: string, name: string): Promise<boolean> {
  const tagged = OWNED_CLUSTER.exec(name);
  if (tagged) return ownerIsGone(tagged[1] as string);
  const owner = await readFile(join(parent, name, OWNER_FILE), 'utf8')
    .then((text) => JSON.parse(text) as { host?: string; pid?: number })
    .catch(() => undefined);
  return owner !== undefined && isAbandonedBy(owner.host, owner.pid);
}

/** Stops and removes the abandoned throwaway clusters under `parents`; returns their directories. */
export async function reapAbandonedClusters(parents: readonly string[] = clusterParents()): Promise<string[]> {
  const reaped: string[] = [];
  for (const parent of parents) {
    for (const name of await readdir(parent).catch(() => [])) {
      if (!name.startsWith(CLUSTER_PREFIX) || name.startsWith(PASSWORD_DIR_PREFIX)) continue;
      if (!(await clusterIsAbandoned(parent, name))) continue;
      const root = join(parent, name);
      try {
        await stopClusterProcesses(root);
        await rm(root, { recursive: true, force: true, maxRetries: 3 });
        reaped.push(root);
      } catch (error) {
        // Another run's debris is no reason to fail this one: said, and tried again at the next start.
        process.emitWarning(
          `Could not remove the abandoned throwaway cluster ${root} (${(error as Error).message}); the next start tries again, or remove it yourself.`,
          { code: 'FIXTURES_REAPER' },
        );
      }
    }
  }
  if (reaped.length > 0) debug('reaped %d abandoned clusters: %s', reaped.length, reaped.join(', '));
  return reaped;
}

async function passwordDirIsAbandoned(path: string, name: string): Promise<boolean> {
  const tagged = OWNED_PASSWORD_DIR.exec(name);
  if (tagged) return ownerIsGone(tagged[1] as string);
  if (!OLD_PASSWORD_DIR.test(name)) return false;
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > OLD_PASSWORD_DIR_AGE_MS;
}

/** Removes the password directories (`<parent>/fixtures-pg-init-*`) that a killed `initdb` left; returns them. */
export async function reapAbandonedPasswordDirs(parent: string = tmpdir()): Promise<string[]> {
  const reaped: string[] = [];
  for (const name of await readdir(parent).catch(() => [])) {
    const path = join(parent, name);
    if (!(await passwordDirIsAbandoned(path, name))) continue;
    await rm(path, { recursive: true, force: true });
    reaped.push(path);
  }
  if (reaped.length > 0) debug('removed %d password files a killed initdb left: %s', reaped.length, reaped.join(', '));
  return reaped;
}
