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
import { startRun } from '../harness/run/start-run.ts';
import type { ReadyClones } from '../harness/shared/ready-clones.ts';
import { publishRunSetup } from '../harness/shared/run-channel.ts';
import { prepareReadyClones } from '../harness/worker/pools.ts';

/**
 * The run's ready clones: one per worker at once, and no more in all than
 * the project's test files (ready-clones.ts).
 */
async function readyClonesOf(project: TestProject | undefined): Promise<ReadyClones | undefined> {
  if (!project) return undefined;
  const { testFiles } = await project.globTestFiles();
  const count = Math.min(project.config.maxWorkers, testFiles.length);
  return count > 0 ? { count, total: testFiles.length } : undefined;
}

/**
 * Starts (or finds) the run's server, builds (or finds) the template and
 * makes the first ready clones, then returns the teardown that stops what it
 * started. Vitest calls both.
 */
export async function setup(project?: TestProject): Promise<() => Promise<void>> {
  const run = await startRun();
  let setup = run.setup;
  try {
    const ready = await readyClonesOf(project);
    if (ready) setup = { ...setup, ready };
    await prepareReadyClones(setup);
  } catch (error) {
    await run.stop();
    throw error;
  }
  // The one way workers learn the run: FIXTURES_HARNESS, which Vitest's workers inherit and runPool() reads.
  publishRunSetup(setup);
  // FIXTURES_PROFILE=1: the workers' factory profiles, merged into one table at the end of the run.
  const profile = collectRunProfile();
  return async () => {
    profile?.finish();
    await run.stop();
  };
}
