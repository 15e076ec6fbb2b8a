/**
 * This process's clone pool for the current run. Inside a run set up once
 * for all workers (the Vitest global setup writes FIXTURES_HARNESS), it uses
 * that run's server and template; on its own, it sets up a run on first use
 * and tears it down when the process is about to exit.
 */
import { ClonePool } from './clone-pool.ts';
import { type RunSetup, runSetupFromEnv, setUpRun } from './run-setup.ts';

let pool: Promise<ClonePool> | undefined;

export function runClonePool(): Promise<ClonePool> {
  pool ??= (async () => {
    let setup: RunSetup | undefined = runSetupFromEnv();
    if (!setup) {
      const run = await setUpRun();
      setup = run.setup;
      // Started here, so stopped here: when nothing is left to do, not after every database.
      process.once('beforeExit', () => {
        void pool?.then((clones) => clones.close()).finally(run.teardown);
      });
    }
    return new ClonePool({ adminUrl: new URL(setup.adminUrl), template: setup.template });
  })();
  return pool;
}
