import { hostname } from 'node:os';

/**
 * Whether what a process left (a database, a container) is abandoned: the
 * process ran on this machine and runs no more. Another machine's processes
 * cannot be checked from here, so their leftovers are never taken for abandoned.
 */
export function isAbandonedBy(host: string | undefined, pid: number | undefined): boolean {
  if (host !== hostname() || !Number.isInteger(pid) || (pid as number) <= 0) return false;
  try {
    process.kill(pid as number, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
