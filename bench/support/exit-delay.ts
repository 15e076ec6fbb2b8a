/**
 * The exit delay: how long a script that used `withDatabase` on its own (its
 * own server, its template built in-process) takes to exit once its last call
 * has resolved. It includes stopping the server the script started, which is
 * what its user waits for. The script imports the built package: `npm run
 * bench` builds it first.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../tests/harness/fixtures/with-database-script.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One sample: the milliseconds from the script's "withDatabase resolved" line to its exit. */
export function exitDelay(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { FIXTURES_HARNESS: _run, ...own } = env; // a run of its own, not one set up for workers
  const child = spawn(process.execPath, [SCRIPT], {
    cwd: PROJECT_ROOT,
    env: { ...own, FIXTURES_ENV_FILE: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let resolvedAt: number | undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (resolvedAt === undefined && stdout.includes('"resolved":true')) resolvedAt = performance.now();
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const exitedAt = performance.now();
      if (code !== 0 || resolvedAt === undefined) {
        reject(new Error(`The withDatabase script failed (exit ${code}):\n${stdout}${stderr}`));
      } else resolve(exitedAt - resolvedAt);
    });
  });
}

/**
 * One sample of the command's exit delay: the milliseconds from the last
 * output of the built `ctoprojects-fixtures seed:baseline` (its summary) to
 * its exit, against the migrated database at `url`.
 */
export function commandExitDelay(url: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'seed:baseline'], {
    cwd: PROJECT_ROOT,
    env: { ...env, FIXTURES_ENV_FILE: 'none', DATABASE_URL: url, DIRECT_DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastOutputAt = performance.now();
  let output = '';
  const seen = (chunk: Buffer) => {
    output += chunk;
    lastOutputAt = performance.now();
  };
  child.stdout.on('data', seen);
  child.stderr.on('data', seen);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`seed:baseline failed (exit ${code}):\n${output}`));
      else resolve(performance.now() - lastOutputAt);
    });
  });
}
