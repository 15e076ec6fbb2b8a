/**
 * Loads Prisma's published WebAssembly schema engine into Node.
 *
 * The package targets bundlers (`import * as wasm from "./x.wasm"`), which Node
 * cannot do, so we compile the module ourselves and hand its exports to the
 * wasm-bindgen glue. Loading is done once per process.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';

// TypeScript declares WebAssembly only in the DOM library; this is the one call we make.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }>;
};

export type WasmSchemaEngine = glue.SchemaEngine;
export type SchemaEngineGlue = typeof glue;

let loading: Promise<SchemaEngineGlue> | undefined;

/** The engine's module, ready to create engines from. */
export function loadSchemaEngineWasm(): Promise<SchemaEngineGlue> {
  loading ??= instantiate();
  return loading;
}

/** The message of the engine's last Rust panic, which the glue reports through a global registry. */
let lastPanic: string | undefined;

export function takeLastPanic(): string | undefined {
  const message = lastPanic;
  lastPanic = undefined;
  return message;
}

async function instantiate(): Promise<SchemaEngineGlue> {
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message: string) => {
      lastPanic = message;
    },
  };
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@prisma/schema-engine-wasm').replace(/schema_engine\.js$/, 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    './schema_engine_bg.js': withUnrefTimers(glue),
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return glue;
}

/**
 * The glue's imports, with every timer the engine sets unref'd.
 *
 * Why: the engine races its migration advisory lock against a 10 s timeout
 * (`pg_advisory_lock(72707369)`, "Timeout: 10000ms") and never clears the
 * timer once it holds the lock: the glue imports no `clearTimeout`. So every
 * migration left a 10 s timer behind, which kept a finished process alive,
 * and postponed its `beforeExit` teardown, for up to 10 s.
 *
 * Why it is safe: an unref'd timer still fires while anything else holds the
 * event loop, and while the engine waits on its timer something does: the
 * lock query in flight, on a socket of the session's pg pool, which stays
 * ref'd until the session closes. A process cannot end in the middle of an
 * engine request; only a timer whose race is over stops holding it.
 * (exit-at-once.test.ts holds the lock past 10 s: the migration still fails
 * with the engine's timeout error, once the lock query returns, as before.)
 *
 * The import is found by its prefix: its suffix is a hash that changes with
 * each engine build.
 */
function withUnrefTimers(module: SchemaEngineGlue): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...module };
  for (const [name, value] of Object.entries(module)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') continue;
    const setTimer = value as (...args: unknown[]) => unknown;
    imports[name] = (...args: unknown[]) => {
      const timer = setTimer(...args);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    };
  }
  return imports;
}

/** The git hash of the engine build, e.g. `0edf323e…`; the CLI prints it for `--version`. */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadSchemaEngineWasm()).version();
}
