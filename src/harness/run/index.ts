/**
 * What runs once per test run, for those outside this folder: the workers
 * (a worker that finds no run set up starts one in its own process) and the
 * Vitest global setup.
 */
export { checkHarnessVariables } from './harness-variables.ts';
export { DATA_MODEL, type StartedRun, startRun } from './start-run.ts';
