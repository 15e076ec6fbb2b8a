/**
 * Runs the project's own commands as a user would, in a child process, and
 * returns what they printed: the tests read the text users see.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertions that do not care which. */
  readonly output: string;
}

/** Variables that must not leak from the developer's shell into a command under test. */
const CONNECTION_VARIABLES = [
  'DATABASE_URL',
  'DIRECT_DATABASE_URL',
  'SHADOW_DATABASE_URL',
  'PRISMA_SCHEMA_ENGINE_BINARY',
];

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly input?: string;
  readonly timeoutMs?: number;
}

/**
 * `node src/cli/main.ts prisma …args`: the command behind every `npm run prisma:*`. With a `cwd` that is a
 * scratch copy of the project, that copy's own command, which works on the copy's schema and migrations.
 */
export function runPrisma(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode([join(options.cwd ?? PROJECT_ROOT, 'src', 'cli', 'main.ts'), 'prisma', ...args], options);
}

export function runNode(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return run(
    process.execPath,
    ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', ...args],
    options,
  );
}

/** `npm run --silent …args`, as a newcomer types it. */
export function runNpm(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return run('npm', ['run', '--silent', ...args], options);
}

function run(
  command: string,
  args: string[],
  { env = {}, cwd = PROJECT_ROOT, input, timeoutMs = 120_000 }: RunOptions,
): Promise<CliResult> {
  const base = { ...process.env };
  for (const name of CONNECTION_VARIABLES) delete base[name];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      // FIXTURES_ENV_FILE=none: a developer's .env must not change what the tests see.
      // FIXTURES_SCHEMA_ENGINE=wasm: the offline engine is what we test, even where a native one is installed.
      env: {
        ...base,
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        CI: '1',
        FIXTURES_ENV_FILE: 'none',
        FIXTURES_SCHEMA_ENGINE: 'wasm',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
    child.stdin.end(input ?? '');
  });
}
