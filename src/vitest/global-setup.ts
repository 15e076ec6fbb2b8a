/**
 * Vitest `globalSetup`: once per run, in Vitest's main process, start (or
 * find) the server and build (or find) the template; workers receive them as
 * plain data. Use it in `vitest.config.ts`:
 *
 * @example
 * export default defineConfig({ test: { globalSetup: ['@ctoprojects/fixtures/vitest/global-setup'] } });
 */
import '../require-node.ts';
import { collectRunProfile } from '../factories/profile.ts';
import { RUN_SETUP_VARIABLE, setUpRun } from '../harness/run-setup.ts';

/**
 * Starts (or finds) the run's server and builds (or finds) the template, then
 * returns the teardown that stops what it started. Vitest calls both.
 */
export async function setup(): Promise<() => Promise<void>> {
  const run = await setUpRun();
  // The one way workers learn the run: FIXTURES_HARNESS, which Vitest's workers inherit and runPool() reads.
  process.env[RUN_SETUP_VARIABLE] = JSON.stringify(run.setup);
  // FIXTURES_PROFILE=1: the workers' factory profiles, merged into one table at the end of the run.
  const profile = collectRunProfile();
  return async () => {
    profile?.finish();
    await run.teardown();
  };
}
