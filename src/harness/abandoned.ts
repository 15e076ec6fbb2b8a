import { hostname } from 'node:os';

/** Whether process `pid` of this machine runs (possibly under another user). */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether what a process left (a database, a container, a cluster) is abandoned:
 * the process ran on this machine and runs no more. Another machine's processes
 * cannot be checked from here, so their leftovers are never taken for abandoned.
 */
export function isAbandonedBy(host: string | undefined, pid: number | undefined): boolean {
  if (host !== hostname() || pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  return !processIsRunning(pid);
}
