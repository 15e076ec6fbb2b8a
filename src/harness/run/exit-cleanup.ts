/**
 * What this process started and must not outlive it: a throwaway cluster, a
 * container, the run's databases on a server of someone else's. A normal end
 * stops each of them; this is for the other ends:
 *
 * - SIGINT and SIGTERM: the process then exits with 128 + the signal's number,
 *   the code a shell reports for a process the signal killed;
 * - `process.exit()`, from anywhere. Vitest's own SIGINT and SIGTERM handler
 *   in its main process calls it 1 ms after the signal, and runs no global
 *   teardown: an asynchronous stop would never finish.
 *
 * So every cleanup is synchronous and runs in the 'exit' event, last in
 * first out. The signal listeners exist only while something is registered,
 * so that a process that started nothing keeps Node's own behaviour. SIGKILL
 * runs nothing: the next run reaps what it leaves.
 */
import { constants } from 'node:os';
import createDebug from '../../text/debug.ts';

const debug = createDebug('fixtures:exit');

const cleanups = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  debug('%s: stopping what this process started', signal);
  process.exitCode ??= 128 + constants.signals[signal];
  // The signal's other listeners (Vitest's) run first; exiting then runs the cleanups.
  setImmediate(() => process.exit());
}

function runCleanups(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch (error) {
      debug('a cleanup failed: %s', (error as Error).message);
    }
  }
}

/**
 * Runs `cleanup` (synchronous) if the process exits, or is sent SIGINT or
 * SIGTERM, before the returned function is called to say it is no longer needed.
 */
export function cleanUpOnExit(cleanup: () => void): () => void {
  if (cleanups.size === 0) {
    process.on('exit', runCleanups);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    process.off('exit', runCleanups);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}

/** Blocks the thread for `ms`: only for the 'exit' event, where nothing asynchronous runs any more. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
