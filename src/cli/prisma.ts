/**
 * `npm run prisma:*` and `db:*` go through here: the real Prisma CLI, with two
 * things settled first.
 *
 * 1. The schema engine. Prisma's CLI downloads a native engine before most
 *    commands; where none is installed (offline CI, firewalled networks) we
 *    point `PRISMA_SCHEMA_ENGINE_BINARY` at our WebAssembly engine instead.
 *    An engine you chose yourself, or a native one already installed, wins.
 * 2. The connection strings. A command that needs a database and has no URL,
 *    or any malformed URL, stops here with one line naming the variable.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ConfigurationError,
  migrationDatabaseUrl,
  optionalDatabaseUrl,
  requireMigrationDatabaseUrl,
} from '../config/database-url.ts';
import { loadEnvFile } from '../config/env-file.ts';

const require = createRequire(import.meta.url);
const OFFLINE_ENGINE = fileURLToPath(new URL('../schema-engine/main.ts', import.meta.url));

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

/** The native engine Prisma installs next to `@prisma/engines`, if any. */
export function nativeSchemaEngine(): string | undefined {
  const enginesDir = dirname(require.resolve('@prisma/engines/package.json'));
  const binary = readdirSync(enginesDir).find((name) => name.startsWith('schema-engine-'));
  return binary ? join(enginesDir, binary) : undefined;
}

/** Which engine the CLI should run, by `FIXTURES_SCHEMA_ENGINE` (`auto` | `native` | `wasm`). */
export function schemaEngineBinary(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PRISMA_SCHEMA_ENGINE_BINARY) return env.PRISMA_SCHEMA_ENGINE_BINARY;
  const choice = env.FIXTURES_SCHEMA_ENGINE ?? 'auto';
  if (choice === 'wasm') return OFFLINE_ENGINE;
  if (choice === 'native') return undefined; // let Prisma find or download its own
  if (choice !== 'auto') {
    throw new ConfigurationError(
      'FIXTURES_SCHEMA_ENGINE',
      `FIXTURES_SCHEMA_ENGINE is "${choice}": use auto, native or wasm.`,
    );
  }
  return nativeSchemaEngine() ? undefined : OFFLINE_ENGINE;
}

/** Checks the connection strings for `args`; throws a {@link ConfigurationError} when they will not do. */
export function checkConnectionStrings(args: readonly string[], env: NodeJS.ProcessEnv): void {
  optionalDatabaseUrl(env, 'SHADOW_DATABASE_URL');
  const command = args[0] === 'migrate' || args[0] === 'db' ? `${args[0]} ${args[1] ?? ''}` : (args[0] ?? '');
  if (NEEDS_DATABASE.has(command)) requireMigrationDatabaseUrl(env, `prisma ${command}`);
  else migrationDatabaseUrl(env);
}

/**
 * Prisma 7's `migrate dev` and `migrate reset` no longer generate the client;
 * the data layer we replace promised they would, so we run `generate` after them.
 */
function generatesClientAfter(args: readonly string[]): boolean {
  return args[0] === 'migrate' && (args[1] === 'dev' || args[1] === 'reset') && !args.includes('--help');
}

/** Runs the real Prisma CLI; Ctrl-C and SIGTERM reach it (and so its engine), so it can clean up. */
function runPrismaCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
  const child = spawn(process.execPath, [prismaCli, ...args], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1));
    });
  });
}

async function main(args: string[]): Promise<number> {
  try {
    loadEnvFile();
    checkConnectionStrings(args, process.env);
    const engine = schemaEngineBinary(process.env);
    const env = {
      ...process.env,
      ...(engine && { PRISMA_SCHEMA_ENGINE_BINARY: engine }),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    };
    const code = await runPrismaCli(args, env);
    if (code !== 0 || !generatesClientAfter(args)) return code;
    return await runPrismaCli(['generate'], env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`Error: ${error.message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
