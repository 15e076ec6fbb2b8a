/**
 * Cleanups that need a connection (the run's databases on a server of
 * someone else's, a Docker container) cannot run in the 'exit' event, where
 * nothing asynchronous runs any more. They run in a helper process that the
 * 'exit' event waits for (exit-helper-main.ts), at most 20 s.
 */
import { spawnSync } from 'node:child_process';
import { nodeCommand } from '../../package-files.ts';
import { cleanUpOnExit } from './exit-cleanup.ts';

/** What the helper does: drop the databases and schemas of run `owner` on `adminUrl`'s server, remove a container. */
export interface ExitJob {
  readonly adminUrl?: string;
  readonly owner?: string;
  readonly containerId?: string;
}

/** The variable the job reaches the helper in: not its command line, which any user of the machine can read. */
export const EXIT_JOB_VARIABLE = 'FIXTURES_EXIT_JOB';

/** Runs `job` in a helper process if this process exits before the returned function is called. */
export function runOnExit(job: ExitJob): () => void {
  return cleanUpOnExit(() => {
    const [command, ...args] = nodeCommand('harness/run/exit-helper-main');
    spawnSync(command as string, args, {
      env: { ...process.env, [EXIT_JOB_VARIABLE]: JSON.stringify(job) },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 20_000,
    });
  });
}
