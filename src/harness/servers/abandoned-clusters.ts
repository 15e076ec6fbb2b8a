/**
 * Throwaway clusters (`/dev/shm/fixtures-pg-*` or `<tmp>/fixtures-pg-*`) whose process was killed before
 * it could stop them keep running and keep their files. Each one records the
 * process that owns it; the next start stops and removes those whose owner
 * on this machine is gone.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import { isAbandonedBy, processIsRunning } from '../abandoned.ts';
import { clusterParents } from './cluster-directory.ts';

const debug = createDebug('fixtures:reaper');

export const CLUSTER_PREFIX = 'fixtures-pg-';
const OWNER_FILE = 'owner.json';

/** Records this process as the owner of the throwaway cluster in `root`. */
export async function claimCluster(root: string): Promise<void> {
  await writeFile(join(root, OWNER_FILE), JSON.stringify({ host: hostname(), pid: process.pid }));
}

/** Stops the postmaster of `dataDir` at once (SIGQUIT: an immediate shutdown) and waits for it to go. */
async function stopPostmaster(dataDir: string): Promise<void> {
  const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processIsRunning(pid)) return;
  process.kill(pid, 'SIGQUIT');
  for (let waited = 0; waited < 10_000 && processIsRunning(pid); waited += 100) await sleep(100);
}

/** Stops and removes the abandoned throwaway clusters under `parents`; returns their directories. */
export async function reapAbandonedClusters(parents: readonly string[] = clusterParents()): Promise<string[]> {
  const reaped: string[] = [];
  for (const parent of parents) reaped.push(...(await reapUnder(parent)));
  if (reaped.length > 0) debug('reaped %d abandoned clusters: %s', reaped.length, reaped.join(', '));
  return reaped;
}

async function reapUnder(parent: string): Promise<string[]> {
  const reaped: string[] = [];
  for (const name of await readdir(parent).catch(() => [])) {
    if (!name.startsWith(CLUSTER_PREFIX)) continue;
    const root = join(parent, name);
    const owner = await readFile(join(root, OWNER_FILE), 'utf8')
      .then((text) => JSON.parse(text) as { host?: string; pid?: number })
      .catch(() => undefined);
    if (!owner || !isAbandonedBy(owner.host, owner.pid)) continue;
    await stopPostmaster(join(root, 'data'));
    await rm(root, { recursive: true, force: true });
    reaped.push(root);
  }
  return reaped;
}
