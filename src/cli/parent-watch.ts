/**
 * Noticing that this process's parent is gone. npm runs a script as
 * `sh -c '<script>'`, and a signal sent to npm reaches only that shell: on a
 * SIGTERM the shell dies without passing it on, and our command is left
 * behind, adopted by init, with the Prisma CLI (and Studio's port) still up.
 * No event says so; `process.ppid` changing does.
 */

/** Calls `onGone` once, soon after the parent of this process ends; returns a function that stops watching. */
export function onParentExit(onGone: () => void, intervalMs = 200): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs).unref();
  return () => clearInterval(timer);
}
