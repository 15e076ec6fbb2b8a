/**
 * One Prisma schema engine (the WebAssembly build) bound to one database.
 */
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
} from '@prisma/driver-adapter-utils';
import { type EngineDatabases, engineAdapterFactory } from './pg-adapter.ts';
import { loadSchemaEngineWasm, type WasmSchemaEngine } from './wasm-module.ts';

/** `[path, content]` of each schema file, as the engine's constructor takes them. */
export type Datamodels = [path: string, content: string][];

/** Receives the engine's log lines, already JSON in the native engine's format. */
export type EngineLog = (jsonLine: string) => void;

export interface EngineSession {
  readonly engine: WasmSchemaEngine;
  readonly databases: EngineDatabases;
  /**
   * The engine reports an error thrown by the adapter as "External error id#N";
   * the error itself waits in the adapter binding's registry. Returns `error`
   * with that reference replaced by the real message (a PostgreSQL error, its line).
   */
  explain(error: unknown): unknown;
  /** Frees the engine and closes its connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts an engine on `databases.url`. Nothing connects until the engine
 * runs its first query, so work that needs no database (a diff between two
 * schema files) runs even when the server is down.
 */
export async function openEngineSession(
  databases: EngineDatabases,
  datamodels: Datamodels,
  log: EngineLog = () => {},
): Promise<EngineSession> {
  const glue = await loadSchemaEngineWasm();
  // The engine connects through the factory but never disposes what it got; we do, on close, so that no
  // connection outlives the session (a template with a connection left open cannot be cloned).
  const opened: SqlDriverAdapter[] = [];
  const factory = engineAdapterFactory(databases);
  const adapterFactory = bindMigrationAwareSqlAdapterFactory({
    ...factory,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
  });
  const engine = await glue.SchemaEngine.new(
    { datamodels: nonEmpty(datamodels) },
    (line: string) => log(line),
    adapterFactory,
  );
  return sessionOf(engine, databases, adapterFactory.errorRegistry, async () => {
    await Promise.all(opened.splice(0).map((adapter) => adapter.dispose()));
  });
}

/**
 * Starts an engine on a connection that already exists (a shadow database):
 * the engine borrows it, and closing the session disposes of it.
 */
export async function openEngineOnAdapter(
  adapter: SqlDriverAdapter,
  databases: EngineDatabases,
  datamodels: Datamodels,
  log: EngineLog = () => {},
): Promise<EngineSession> {
  const glue = await loadSchemaEngineWasm();
  const lent = {
    provider: 'postgres' as const,
    adapterName: adapter.adapterName,
    connect: async () => adapter,
    connectToShadowDb: async () => {
      throw new Error('A shadow database has no shadow database of its own.');
    },
  };
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(lent);
  const engine = await glue.SchemaEngine.new(
    { datamodels: nonEmpty(datamodels) },
    (line: string) => log(line),
    adapterFactory,
  );
  return sessionOf(engine, databases, adapterFactory.errorRegistry, () => adapter.dispose());
}

/** Commands such as `migrate status` pass no schema; the engine panics on an empty list but takes none at all. */
function nonEmpty(datamodels: Datamodels): Datamodels | undefined {
  return datamodels.length > 0 ? datamodels : undefined;
}

function sessionOf(
  engine: WasmSchemaEngine,
  databases: EngineDatabases,
  errors: ErrorRegistry,
  release: () => Promise<void>,
): EngineSession {
  let closed = false;
  return {
    engine,
    databases,
    explain(error) {
      if (!(error instanceof Error)) return error;
      error.message = error.message.replace(/External error id#(\d+)/g, (reference, id: string) => {
        const cause = errors.consumeError(Number(id))?.error as { message?: string } | undefined;
        return cause?.message ?? reference;
      });
      return error;
    },
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await release();
    },
  };
}
