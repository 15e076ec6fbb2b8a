/**
 * Where a throwaway cluster keeps its files: in memory when the machine has a
 * RAM-backed /dev/shm with room to spare, else in the OS temp directory.
 *
 * Measured here: CREATE DATABASE … TEMPLATE took 280–430 ms with the data
 * directory on the VM's ext4 disk, and 15–25 ms on tmpfs, for the same
 * template. A throwaway cluster loses nothing by living in memory: it is
 * already run without fsync and removed at the end of the run.
 */
import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ConfigurationError } from '../../../config/database-url.ts';

const SHARED_MEMORY = '/dev/shm';
/** Enough for the template, a pool of clones and what tests write, with room to spare. */
const MIN_FREE_BYTES = 1024 ** 3;

function roomyTmpfs(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize >= MIN_FREE_BYTES;
  } catch {
    return false;
  }
}

/** The directory new throwaway clusters go in: FIXTURES_CLUSTER_DIR, else /dev/shm if roomy, else the temp dir. */
export function throwawayClusterParent(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FIXTURES_CLUSTER_DIR) return checkedClusterDir(env.FIXTURES_CLUSTER_DIR);
  return process.platform === 'linux' && roomyTmpfs(SHARED_MEMORY) ? SHARED_MEMORY : tmpdir();
}

/** Every directory a throwaway cluster may be in, for the reaper. */
export function clusterParents(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([throwawayClusterParent(env), SHARED_MEMORY, tmpdir()])];
}

/**
 * FIXTURES_CLUSTER_DIR as given, if it is a directory this process may write
 * in; otherwise a ConfigurationError saying what it is and what to do, where
 * `mkdtemp` gave a bare ENOENT or EACCES.
 */
function checkedClusterDir(path: string): string {
  const unusable = (what: string, next: string) =>
    new ConfigurationError(
      'FIXTURES_CLUSTER_DIR',
      `FIXTURES_CLUSTER_DIR is "${path}", ${what}: ${next}, or unset FIXTURES_CLUSTER_DIR to use ${SHARED_MEMORY} or the temp directory.`,
    );
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw unusable('which does not exist', `create it (mkdir -p '${path}')`);
  }
  if (!isDirectory) throw unusable('which is not a directory', 'name a directory');
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw unusable('where this process may not write', 'name a directory it may write in');
  }
  return path;
}
