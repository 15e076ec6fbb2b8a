import { spawnSync } from 'node:child_process';

/** The pid of a process of this machine that has already exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}
