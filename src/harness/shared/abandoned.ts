import { readFileSync } from 'node:fs';
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
 * Whether process `pid` runs and is not a zombie: a process that has exited
 * stays one until its parent reaps it, which may be late (a killed child of
 * this very process, in an 'exit' handler; a postmaster whose adoptive parent
 * is slow to reap). Linux tells them apart; elsewhere, as {@link processIsRunning}.
 */
export function processIsAlive(pid: number): boolean {
  if (!processIsRunning(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return processIsRunning(pid);
  }
}

/**
 * Whether what a process left (a database, a container, a cluster) is abandoned:
 * the process ran on this machine and runs no more. Another machine's processes
 * cannot be checked from here, so their leftovers are never taken for abandoned.
 */
export function isAbandonedBy(host: string | undefined, pid: number | undefined): boolean {
  if (host !== hostname() || pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  return !processIsAlive(pid);
}
