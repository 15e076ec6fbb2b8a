/**
 * Every process working on a throwaway cluster: the postmaster, and the
 * tools a killed run leaves running on their own (`initdb`, `pg_ctl`, the
 * `runuser` in front of them under root). A `pg_ctl start` that outlives its
 * caller still starts a server, so stopping the postmaster from its pid file
 * alone could miss one that starts a moment later, and keep its port taken.
 * On Linux they are found by their command line, which names the cluster's
 * directory (`-D <dir>/data`), or by their working directory: a backend whose
 * postmaster was killed runs on in the data directory for a while, writing
 * into it, under a name of its own ("postgres: checkpointer"). Elsewhere only
 * the postmaster's pid file is read.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processIsAlive } from '../../shared/abandoned.ts';
import { sleepSync } from '../exit-cleanup.ts';

function postmasterOf(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function worksIn(pid: string, root: string): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    return cwd === root || cwd.startsWith(`${root}/`);
  } catch {
    return false;
  }
}

/** The pids whose command line names `root` (a directory of a unique, random name), or that work in it. */
function processesOf(root: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(root) || worksIn(entry, root))
        pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile.
  }
}

/**
 * Signals every process of the cluster in `root`: the tools are killed first,
 * so that none starts anything more; the postmaster gets SIGQUIT, an immediate
 * shutdown that takes its backends along. Returns the pids signalled.
 */
export function signalClusterProcesses(root: string): number[] {
  const signalled = new Set<number>();
  // Twice: a tool killed in the first pass may have started a postmaster just before.
  for (let pass = 0; pass < 2; pass++) {
    const postmaster = postmasterOf(join(root, 'data'));
    for (const pid of processesOf(root)) {
      if (pid === postmaster) continue;
      signal(pid, 'SIGKILL');
      signalled.add(pid);
    }
    if (postmaster !== undefined && processIsAlive(postmaster)) {
      signal(postmaster, 'SIGQUIT');
      signalled.add(postmaster);
    }
  }
  return [...signalled];
}

const STOP_WAIT_MS = 10_000;

/**
 * Sends the postmaster of `dataDir` `signal` (SIGQUIT: an immediate shutdown;
 * SIGINT: a fast one, with a shutdown checkpoint) and waits for it to exit,
 * looking every 5 ms where `pg_ctl stop -w` looks every 100. False if there
 * was none running, or it outlived the wait.
 */
export async function stopPostmaster(dataDir: string, name: 'SIGQUIT' | 'SIGINT'): Promise<boolean> {
  const pid = postmasterOf(dataDir);
  if (pid === undefined || !processIsAlive(pid)) return false;
  signal(pid, name);
  for (let waited = 0; waited < STOP_WAIT_MS; waited += 5) {
    if (!processIsAlive(pid)) return true;
    await sleep(5);
  }
  return false;
}

/** Stops the cluster's processes and waits for them to go (SIGKILL for those still there after 10 s). */
export async function stopClusterProcesses(root: string): Promise<void> {
  const pids = signalClusterProcesses(root);
  for (let waited = 0; waited < STOP_WAIT_MS && pids.some(processIsAlive); waited += 10) await sleep(10);
  for (const pid of pids.filter(processIsAlive)) signal(pid, 'SIGKILL');
}

/** The same, blocking: for the 'exit' event. */
export function stopClusterProcessesSync(root: string): void {
  const pids = signalClusterProcesses(root);
  for (let waited = 0; waited < STOP_WAIT_MS && pids.some(processIsAlive); waited += 20) sleepSync(20);
  for (const pid of pids.filter(processIsAlive)) signal(pid, 'SIGKILL');
}
