/**
 * A real Vitest run of the files in tests/harness/fixtures/ (they fail on
 * purpose), on this run's server. Asynchronous on purpose: a spawnSync would
 * block this worker's event loop, and with it the harness's background work
 * here, such as a schema the pool is migrating under Prisma's database-wide
 * migration lock, which the nested run's own schemas would then wait for.
 */
import { fileURLToPath } from 'node:url';
import { type CliResult, type RunOptions, runNode, type StartedChild, startNode } from './run-cli.ts';

const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const CONFIG = fileURLToPath(new URL('../harness/fixtures/vitest.config.ts', import.meta.url));

/** Runs the fixture files whose name contains `filter`, with `env` added. */
export function runFixtureFiles(filter: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runVitest(CONFIG, [filter], { env });
}

/** `vitest run --config <config> …args`, with `options.env` added. */
export function runVitest(config: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode([VITEST, 'run', '--config', config, ...args], { ...options, env: { NO_COLOR: '1', ...options.env } });
}

/** The same, without waiting for it: for tests that signal it midway. */
export function startVitest(config: string, args: string[], options: RunOptions = {}): StartedChild {
  return startNode([VITEST, 'run', '--config', config, ...args], {
    ...options,
    env: { NO_COLOR: '1', ...options.env },
  });
}
