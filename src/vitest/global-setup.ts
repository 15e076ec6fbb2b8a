/**
 * Vitest `globalSetup`: once per run, in Vitest's main process, start (or
 * find) the server and build (or find) the template; workers receive them as
 * plain data. Use it in `vitest.config.ts`:
 *
 * @example
 * export default defineConfig({ test: { globalSetup: ['@ctoprojects/fixtures/vitest/global-setup'] } });
 */
import '../require-node.ts';
import type { TestProject } from 'vitest/node';
import { collectRunProfile } from '../factories/profile.ts';
import { RUN_SETUP_VARIABLE, type RunSetup, setUpRun } from '../harness/run-setup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's server and template, as the harness's workers use them. */
    fixturesRun: RunSetup;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = await setUpRun();
  // Workers read the run from their environment (withDatabase) or from inject() (tests of their own).
  process.env[RUN_SETUP_VARIABLE] = JSON.stringify(run.setup);
  project.provide('fixturesRun', run.setup);
  // FIXTURES_PROFILE=1: the workers' factory profiles, merged into one table at the end of the run.
  const profile = collectRunProfile();
  return async () => {
    profile?.finish();
    await run.teardown();
  };
}
