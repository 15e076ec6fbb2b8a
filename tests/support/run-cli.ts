/**
 * Runs the project's own commands as a user would, in a child process, and
 * returns what they printed: the tests read the text users see.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../src/package-files.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
  return startNode(args, options).result;
}

/** `npm run --silent …args`, as a newcomer types it. */
export function runNpm(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return run('npm', ['run', '--silent', ...args], options);
}

function run(command: string, args: string[], options: RunOptions): Promise<CliResult> {
  return start(command, args, options).result;
}

/** A child process still running: its output so far, and what it printed and did once it ends. */
export interface StartedChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves to the first stdout line matching `pattern`; rejects if the child ends before printing one. */
  line(pattern: RegExp): Promise<string>;
  readonly result: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
}

/** `node …args`, like {@link runNode}, without waiting for it: for tests that signal or kill it midway. */
export function startNode(args: string[], options: RunOptions = {}): StartedChild {
  return start(process.execPath, [...NODE_FLAGS, ...args], options);
}

function start(
  command: string,
  args: string[],
  { env = {}, cwd = PROJECT_ROOT, input, timeoutMs = 120_000 }: RunOptions,
): StartedChild {
  const base = { ...process.env };
  for (const name of CONNECTION_VARIABLES) delete base[name];
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
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const watch of watchers) watch();
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, output: `${stdout}\n${stderr}` });
      for (const watch of watchers) watch();
    });
  });
  child.stdin.end(input ?? '');
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const watch = () => {
        const found = stdout.split('\n').find((text) => pattern.test(text));
        if (found !== undefined) {
          watchers.delete(watch);
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          watchers.delete(watch);
          reject(
            new Error(
              `The child ended (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${stdout}\n${stderr}`,
            ),
          );
        }
      };
      watchers.add(watch);
      watch();
    });
  return { child, line, result };
}
