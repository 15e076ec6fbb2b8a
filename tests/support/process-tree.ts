/**
 * The processes a command started, read from Linux's /proc: for the tests
 * that signal one process of a tree and check that none of it is left.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeProcess {
  readonly pid: number;
  /** The command line, arguments joined by spaces. */
  readonly command: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  const tasks = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  return tasks.flatMap((task) =>
    (read(`/proc/${pid}/task/${task}/children`) ?? '').split(' ').filter(Boolean).map(Number),
  );
}

/** Every process below `pid`, depth first. */
export function descendants(pid: number): TreeProcess[] {
  return children(pid).flatMap((child) => [
    { pid: child, command: (read(`/proc/${child}/cmdline`) ?? '').split('\0').join(' ').trim() },
    ...descendants(child),
  ]);
}

/** Gone, or a zombie that only waits for a parent to reap it (an orphan's new parent may never do so). */
export function isGone(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}
