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
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseUrlError, migrationDatabaseUrl, optionalDatabaseUrl } from '../config/database-url.ts';
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
    throw new Error(`FIXTURES_SCHEMA_ENGINE is "${choice}": use auto, native or wasm.`);
  }
  return nativeSchemaEngine() ? undefined : OFFLINE_ENGINE;
}

/** Checks the connection strings for `command`; returns the line to print when they will not do. */
export function connectionProblem(args: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  try {
    const migration = migrationDatabaseUrl(env);
    optionalDatabaseUrl(env, 'SHADOW_DATABASE_URL');
    const command = args[0] === 'migrate' || args[0] === 'db' ? `${args[0]} ${args[1] ?? ''}` : (args[0] ?? '');
    if (!migration && NEEDS_DATABASE.has(command)) {
      return `prisma ${command} needs a database, but neither DIRECT_DATABASE_URL nor DATABASE_URL is set: export one or add it to .env (cp .env.example .env).`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof DatabaseUrlError) return error.message;
    throw error;
  }
}

function main(args: string[]): number {
  loadEnvFile();
  const problem = connectionProblem(args, process.env);
  if (problem) {
    process.stderr.write(`Error: ${problem}\n`);
    return 1;
  }
  const engine = schemaEngineBinary(process.env);
  const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
  const result = spawnSync(process.execPath, [prismaCli, ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...(engine && { PRISMA_SCHEMA_ENGINE_BINARY: engine }), PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = main(process.argv.slice(2));
}
