/**
 * The FIXTURES_* variables that steer the harness, read once when a run
 * starts, so that a value they do not accept fails the run at its start,
 * naming the variable, instead of when it is first consulted (FIXTURES_KEEP_FAILED
 * only after a test has failed) or never.
 */
import { envFlag } from '../../config/env-options.ts';
import { adminTimeoutMs, connectTimeoutMs } from '../../sql/timeouts.ts';
import { chooseProviderName } from './servers/provider.ts';

/** The on/off variables of the harness and the factories. */
export const HARNESS_FLAGS = [
  'FIXTURES_KEEP_FAILED',
  'FIXTURES_SHOW_PASSWORD',
  'FIXTURES_PROFILE',
  'FIXTURES_REUSE_CONTAINER',
] as const;

/** Throws an OptionError for the first variable holding a value it does not accept. */
export function checkHarnessVariables(env: NodeJS.ProcessEnv = process.env): void {
  chooseProviderName(env);
  for (const flag of HARNESS_FLAGS) envFlag(env, flag);
  connectTimeoutMs(env);
  adminTimeoutMs(env);
}
