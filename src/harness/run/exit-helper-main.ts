/**
 * The helper process of exit-helper.ts: does the job in FIXTURES_EXIT_JOB for
 * a process that is exiting. Best effort, and silent (DEBUG=fixtures:exit
 * shows why it failed): what it cannot remove, the next run reaps.
 */

import { redactPasswords } from '../../config/database-url.ts';
import createDebug from '../../text/debug.ts';
import { EXIT_JOB_VARIABLE, type ExitJob } from './exit-helper.ts';
import { reapAbandonedDatabases } from './reaper.ts';

const debug = createDebug('fixtures:exit');
const job = JSON.parse(process.env[EXIT_JOB_VARIABLE] ?? '{}') as ExitJob;
try {
  if (job.adminUrl && job.owner) {
    const reaped = await reapAbandonedDatabases(new URL(job.adminUrl), { finishedOwner: job.owner });
    debug('dropped what the run left: %s', reaped.join(', ') || 'nothing');
  }
  if (job.containerId) {
    const { removeContainer } = await import('./servers/testcontainers.ts');
    await removeContainer(job.containerId);
    debug('removed the container %s', job.containerId.slice(0, 12));
  }
} catch (error) {
  debug('could not clean up: %s', redactPasswords((error as Error).message));
}
