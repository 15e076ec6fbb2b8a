/**
 * `ctoprojects-fixtures prisma …`, and so every `npm run prisma:*` and `db:*`
 * of this repository: the real Prisma CLI on this package's schema and
 * migrations, wherever it is run from, with three things settled first.
 *
 * 1. The configuration: the package's own (`--config`), so the consumer's
 *    working directory needs no prisma.config.ts and paths in arguments stay
 *    relative to it.
 * 2. The schema engine: the offline one where no native engine is installed
 *    (src/config/schema-engine-choice.ts).
 * 3. The connection strings. A command that needs a database and has no URL,
 *    or any malformed URL, stops here with one line naming the variable; so
 *    does a SHADOW_DATABASE_URL that reaches the main database.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationError,
  migrationDatabaseUrl,
  optionalDatabaseUrl,
  redactPasswords,
  requireMigrationDatabaseUrl,
} from '../config/database-url.ts';
import { loadEnvFile } from '../config/env-file.ts';
import { schemaEngineBinary } from '../config/schema-engine-choice.ts';
import { NODE_FLAGS, packageModule, RUNNING_FROM_SOURCE } from '../package-files.ts';
import { onParentExit } from './parent-watch.ts';
import { studioArguments } from './studio-browser.ts';

const require = createRequire(import.meta.url);

/** `migrate dev`, `db push`…: the commands that talk to a database. */
const NEEDS_DATABASE = new Set([
  'migrate dev',
  'migrate deploy',
  'migrate reset',
  'migrate status',
  'migrate resolve',
  'db push',
  'db pull',
  'db execute',
  'studio',
]);

/** `migrate dev`, `db push`, `studio`…: the command of `args`, with its subcommand. */
function commandOf(args: readonly string[]): string {
  return args[0] === 'migrate' || args[0] === 'db' ? `${args[0]} ${args[1] ?? ''}` : (args[0] ?? '');
}

/** Checks the connection strings for `args`; throws a {@link ConfigurationError} when they will not do. */
export function checkConnectionStrings(args: readonly string[], env: NodeJS.ProcessEnv): void {
  optionalDatabaseUrl(env, 'SHADOW_DATABASE_URL');
  const command = commandOf(args);
  if (NEEDS_DATABASE.has(command)) requireMigrationDatabaseUrl(env, `prisma ${command}`);
  else migrationDatabaseUrl(env);
}

/** The commands that replay the migrations on the shadow database, which the engine wipes first. */
const USES_SHADOW = new Set(['migrate dev', 'migrate diff']);

/**
 * Refuses a SHADOW_DATABASE_URL that reaches a main database, before Prisma
 * starts: the offline engine checks again, but a native engine would not.
 */
export async function checkShadowDatabase(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const shadowUrl = optionalDatabaseUrl(env, 'SHADOW_DATABASE_URL');
  if (!shadowUrl || !USES_SHADOW.has(commandOf(args)) || args.includes('--help') || args.includes('-h')) return;
  const { refuseMainDatabaseAsShadow } = await import('../schema-engine/shadow-guard.ts');
  for (const label of ['DIRECT_DATABASE_URL', 'DATABASE_URL'] as const) {
    const url = optionalDatabaseUrl(env, label);
    if (url) await refuseMainDatabaseAsShadow({ label, url }, shadowUrl);
  }
}

/**
 * Prisma 7's `migrate dev` and `migrate reset` no longer generate the client;
 * the data layer we replace promised they would, so in this repository we run
 * `generate` after them. An installed package ships its client built.
 */
function generatesClientAfter(args: readonly string[]): boolean {
  return (
    RUNNING_FROM_SOURCE &&
    args[0] === 'migrate' &&
    (args[1] === 'dev' || args[1] === 'reset') &&
    !args.includes('--help')
  );
}

/**
 * `CI=1` when no terminal can answer a prompt. Prisma 7.10 decides whether
 * to prompt by `CI` alone: with stdin a pipe or /dev/null, `migrate dev`
 * without `--name` waited for a migration name forever, and a data-loss
 * question would too. With `CI` set it does what its documentation gives for
 * non-interactive use: a migration named by its timestamp, and a refusal
 * where it would have asked. A `CI` of the caller's own is left as it is.
 */
export function withoutPrompts(env: NodeJS.ProcessEnv, stdinIsTerminal = process.stdin.isTTY === true) {
  return stdinIsTerminal || env.CI !== undefined ? {} : { CI: '1' };
}

/** The commands that take no `--config`: the CLI's own version and help. */
const NO_CONFIG = new Set([undefined, 'version', '--version', '-v', 'help', '--help', '-h']);

/** `args` with the package's configuration, unless the caller chose one. */
export function withPackageConfig(args: readonly string[]): readonly string[] {
  if (NO_CONFIG.has(args[0]) || args.some((arg) => arg === '--config' || arg.startsWith('--config='))) return args;
  return [...args, '--config', packageModule('cli/prisma.config')];
}

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** The fd of the pipe the Prisma CLI watches to notice that this process is gone (src/cli/stop-with-parent.ts). */
const PARENT_PIPE_FD = 3;

/**
 * Runs the real Prisma CLI, and never leaves it running without us: a
 * long-running command (Studio) would otherwise hold its port for good.
 * - A signal to this process is forwarded (Ctrl-C, SIGTERM, SIGHUP), so the
 *   CLI, and so its engine, can clean up.
 * - When our parent goes (npm's `sh -c`, which dies of a SIGTERM to npm
 *   without passing it on), the CLI gets a SIGTERM.
 * - When this process dies of a signal it cannot catch (SIGKILL), the CLI
 *   sees the end of a pipe it inherited and stops itself.
 * And an engine that dies under the CLI fails the command (src/cli/engine-watch.ts).
 */
function runPrismaCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
  const preloads = ['cli/stop-with-parent', 'cli/engine-watch'].flatMap((module) => [
    '--import',
    pathToFileURL(packageModule(module)).href,
  ]);
  const child = spawn(process.execPath, [...NODE_FLAGS, ...preloads, prismaCli, ...withPackageConfig(args)], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...env, FIXTURES_PARENT_PIPE_FD: String(PARENT_PIPE_FD) },
  });
  child.stdio[PARENT_PIPE_FD]?.on('error', () => {}); // the CLI's end closes as it exits; nothing to report
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  const stopWatching = onParentExit(() => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const name of FORWARDED_SIGNALS) process.off(name, forward);
      stopWatching();
      resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1));
    });
  });
}

/** `ctoprojects-fixtures prisma …args`; resolves to the exit code. */
export async function runPrisma(args: readonly string[]): Promise<number> {
  try {
    loadEnvFile();
    checkConnectionStrings(args, process.env);
    await checkShadowDatabase(args, process.env);
    const engine = schemaEngineBinary(process.env);
    const env = {
      ...process.env,
      ...(engine && { PRISMA_SCHEMA_ENGINE_BINARY: engine }),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      // Prisma's update check calls home on every command; a toolkit for offline test machines makes no call.
      CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? '1',
      // The offline engine and the seed run on `node` from PATH: the one running this command comes first.
      PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
      ...withoutPrompts(process.env),
    };
    const studio = args[0] === 'studio' ? await studioArguments(args, env) : { args };
    if (studio.notice) process.stdout.write(`${studio.notice}\n`);
    const code = await runPrismaCli(studio.args, env);
    if (code !== 0 || !generatesClientAfter(args)) return code;
    return await runPrismaCli(['generate'], env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`Error: ${redactPasswords(error.message)}\n`);
    return 1;
  }
}
