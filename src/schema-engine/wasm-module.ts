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
    './schema_engine_bg.js': glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return glue;
}

/** The git hash of the engine build, e.g. `0edf323e…`; the CLI prints it for `--version`. */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadSchemaEngineWasm()).version();
}
