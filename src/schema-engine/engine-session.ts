/**
 * One Prisma schema engine (the WebAssembly build) bound to one database.
 */
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { DatabaseNeededError, detachedAdapterFactory } from './detached-adapter.ts';
import { engineAdapterFactory } from './engine-adapter-factory.ts';
import type { EngineDatabases } from './engine-databases.ts';
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
   * with that reference replaced by the real message (a PostgreSQL error, its line),
   * and the adapter's error itself as its `cause`.
   */
  explain(error: unknown): unknown;
  /** Frees the engine and closes its connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts an engine on `databases.url`. The engine connects as it starts, to
 * learn the server's version: work that needs no database belongs on a
 * detached session instead ({@link lazySessions}).
 */
export async function openEngineSession(
  databases: EngineDatabases,
  datamodels: Datamodels,
  log: EngineLog = () => {},
): Promise<EngineSession> {
  // The engine connects through the factory but never disposes what it got; we do, on close, so that no
  // connection outlives the session (a template with a connection left open cannot be cloned).
  const opened: SqlDriverAdapter[] = [];
  const factory = engineAdapterFactory(databases);
  const engine = await startEngine(
    {
      ...factory,
      connect: async () => {
        const adapter = await factory.connect();
        opened.push(adapter);
        return adapter;
      },
    },
    datamodels,
    log,
  );
  return sessionOf(engine, databases, async () => {
    await Promise.all(opened.splice(0).map((adapter) => adapter.dispose()));
  });
}

/** Starts an engine that reaches no database: `reason` says why, in the error of work that needs one. */
export async function openDetachedSession(
  reason: string,
  datamodels: Datamodels,
  log: EngineLog = () => {},
): Promise<EngineSession> {
  const engine = await startEngine(detachedAdapterFactory(reason), datamodels, log);
  return sessionOf(engine, undefined, async () => {});
}

/** The engine sessions of one process, each started on first use. */
export interface EngineSessions {
  /** On the configured database; a detached session that says so when none was configured. */
  withDatabase(): Promise<EngineSession>;
  /** On no database, for work that needs none: a diff between two schema files runs with the server down. */
  withoutDatabase(): Promise<EngineSession>;
  /** Closes the sessions that were started. */
  close(): Promise<void>;
}

export function lazySessions(
  databases: EngineDatabases | undefined,
  datamodels: Datamodels,
  log: EngineLog = () => {},
): EngineSessions {
  const started: Promise<EngineSession>[] = [];
  const once = (open: () => Promise<EngineSession>) => {
    let session: Promise<EngineSession> | undefined;
    return () => {
      if (!session) {
        session = open();
        started.push(session);
      }
      return session;
    };
  };
  const reason = databases
    ? 'the offline engine ran it without one (a fault of ours: please report it)'
    : 'no datasource URL was given';
  const withoutDatabase = once(() => openDetachedSession(reason, datamodels, log));
  return {
    withDatabase: databases ? once(() => openEngineSession(databases, datamodels, log)) : withoutDatabase,
    withoutDatabase,
    close: async () => {
      await Promise.all(started.map((session) => session.then((opened) => opened.close()).catch(() => {})));
    },
  };
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
  const lent = {
    provider: 'postgres' as const,
    adapterName: adapter.adapterName,
    connect: async () => adapter,
    connectToShadowDb: async () => {
      throw new Error('A shadow database has no shadow database of its own.');
    },
  };
  const engine = await startEngine(lent, datamodels, log);
  return sessionOf(engine, databases, () => adapter.dispose());
}

interface StartedEngine {
  readonly engine: WasmSchemaEngine;
  readonly errors: ErrorRegistry;
}

async function startEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodels: Datamodels,
  log: EngineLog,
): Promise<StartedEngine> {
  const glue = await loadSchemaEngineWasm();
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await glue.SchemaEngine.new(
    { datamodels: nonEmpty(datamodels) },
    (line: string) => log(line),
    adapterFactory,
  );
  return { engine, errors: adapterFactory.errorRegistry };
}

/** Commands such as `migrate status` pass no schema; the engine panics on an empty list but takes none at all. */
function nonEmpty(datamodels: Datamodels): Datamodels | undefined {
  return datamodels.length > 0 ? datamodels : undefined;
}

/** A session on `started`; `databases` is undefined for a detached one. */
function sessionOf(
  { engine, errors }: StartedEngine,
  databases: EngineDatabases | undefined,
  release: () => Promise<void>,
): EngineSession {
  let closed = false;
  return {
    engine,
    get databases(): EngineDatabases {
      if (!databases) throw new DatabaseNeededError('this engine was started without one');
      return databases;
    },
    explain(error) {
      if (!(error instanceof Error)) return error;
      error.message = error.message.replace(/External error id#(\d+)/g, (reference, id: string) => {
        const cause = errors.consumeError(Number(id))?.error as { message?: string } | undefined;
        if (cause instanceof Error) error.cause = cause;
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
