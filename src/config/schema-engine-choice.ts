/**
 * Which schema engine the Prisma CLI runs. Prisma 7's CLI downloads a native
 * engine before most commands; where none is installed (offline CI,
 * firewalled networks) we point `PRISMA_SCHEMA_ENGINE_BINARY` at our
 * WebAssembly engine instead. An engine you chose yourself, or a native one
 * already installed, wins.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageModule } from '../package-files.ts';
import { envChoice } from './env-options.ts';

const ENGINE_CHOICES = ['auto', 'native', 'wasm'] as const;

const require = createRequire(import.meta.url);
/** Executable: `#!/usr/bin/env node` (the build writes it), the Node.js first on PATH. */
const OFFLINE_ENGINE = packageModule('schema-engine/main');

/** The native engine Prisma installs next to `@prisma/engines`, if any. */
export function nativeSchemaEngine(): string | undefined {
  const enginesDir = dirname(require.resolve('@prisma/engines/package.json'));
  const binary = readdirSync(enginesDir).find((name) => name.startsWith('schema-engine-'));
  return binary ? join(enginesDir, binary) : undefined;
}

/** Which engine the CLI should run, by `FIXTURES_SCHEMA_ENGINE` (`auto` | `native` | `wasm`). */
export function schemaEngineBinary(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PRISMA_SCHEMA_ENGINE_BINARY) return env.PRISMA_SCHEMA_ENGINE_BINARY;
  const choice = envChoice(env, 'FIXTURES_SCHEMA_ENGINE', ENGINE_CHOICES, 'for auto') ?? 'auto';
  if (choice === 'wasm') return OFFLINE_ENGINE;
  if (choice === 'native') return undefined; // let Prisma find or download its own
  return nativeSchemaEngine() ? undefined : OFFLINE_ENGINE;
}
