/**
 * The driver adapter that Prisma's WebAssembly schema engine talks to
 * PostgreSQL through: `@prisma/adapter-pg`, with two faults of it mended for
 * schema work (wrapped, never patched in node_modules) and the shadow database
 * supplied the way the native engine supplies it.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { databaseName, redactPasswords, schemaName } from '../config/database-url.ts';

/** PostgreSQL's one-byte internal `"char"` type, used all over `pg_catalog`. */
const PG_INTERNAL_CHAR_OID = 18;
/** `bpchar`, which adapter-pg maps to a character column. */
const PG_BPCHAR_OID = 1042;

/** Query parameters that mean something to Prisma but nothing to `pg`. */
const PRISMA_ONLY_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'socket_timeout',
  'statement_cache_size',
];

/**
 * adapter-pg maps no column type for OID 18, so every query the engine runs
 * to describe a live database (`pg_class.relkind`, `pg_constraint.contype`…)
 * fails with "Column type 'char' could not be deserialized", and the engine
 * wants those columns typed as characters. The client relabels such columns
 * as `bpchar` so that adapter-pg accepts them, and remembers which they were,
 * keyed by the rows array it hands on, so the adapter can type them as
 * `Character` afterwards (a WeakMap: concurrent queries cannot mix up).
 */
const internalCharColumns = new WeakMap<object, number[]>();

function relabelInternalChar<T>(result: T): T {
  const { fields, rows } = (result ?? {}) as { fields?: { dataTypeID: number }[]; rows?: object };
  if (!fields || !rows) return result;
  const charColumns: number[] = [];
  fields.forEach((field, index) => {
    if (field.dataTypeID === PG_INTERNAL_CHAR_OID) {
      field.dataTypeID = PG_BPCHAR_OID;
      charColumns.push(index);
    }
  });
  if (charColumns.length > 0) internalCharColumns.set(rows, charColumns);
  return result;
}

function typeInternalCharColumns(resultSet: SqlResultSet): SqlResultSet {
  for (const index of internalCharColumns.get(resultSet.rows) ?? []) {
    resultSet.columnTypes[index] = ColumnTypeEnum.Character;
  }
  return resultSet;
}

class CatalogAwareClient extends pg.Client {
  // pg.Client#query has a dozen overloads; we only wrap the result, whatever its shape.
  override query(...args: unknown[]): never {
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (error: Error | null, result?: unknown) => void;
      args[callbackAt] = (error: Error | null, result?: unknown) =>
        callback(error, error ? result : relabelInternalChar(result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return (returned instanceof Promise ? returned.then(relabelInternalChar) : returned) as never;
  }
}

/** Turns a URL into `pg` settings, dropping the query parameters only Prisma understands. */
export function pgPoolConfig(url: URL): pg.PoolConfig {
  const plain = new URL(url);
  for (const param of PRISMA_ONLY_PARAMS) plain.searchParams.delete(param);
  return { connectionString: plain.toString(), Client: CatalogAwareClient, max: 4 } as pg.PoolConfig;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The line of `script` an error points at. PostgreSQL gives a position for
 * most errors in queries but none for many in DDL ("relation … does not
 * exist" in an ALTER TABLE); then the first line naming the object the
 * message quotes is the best guess, and we say it is a guess.
 */
function locateError(script: string, error: pg.DatabaseError): string {
  const lines = script.split('\n');
  const describe = (index: number, prefix: string) =>
    `\n${prefix} line ${index + 1} of the migration: ${lines[index]?.trim()}`;
  if (error.position) {
    return describe(script.slice(0, Math.max(0, Number(error.position) - 1)).split('\n').length - 1, 'at');
  }
  const quoted = /"([^"]+)"/.exec(error.message)?.[1];
  const index = quoted ? lines.findIndex((line) => line.includes(`"${quoted}"`) || line.includes(` ${quoted} `)) : -1;
  return index >= 0 ? describe(index, 'probably at') : '';
}

/**
 * adapter-pg's `executeScript` splits the script on every `;`, which breaks
 * any migration with a semicolon inside a string, a comment or a function
 * body. The native engine sends a migration as one simple-protocol query; so
 * do we, which also makes a failing script roll back as a whole.
 */
class WholeScriptAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  readonly #inner: SqlDriverAdapter;
  readonly #pool: pg.Pool;

  constructor(inner: SqlDriverAdapter, pool: pg.Pool) {
    this.#inner = inner;
    this.#pool = pool;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async queryRaw(...args: Parameters<SqlDriverAdapter['queryRaw']>) {
    return typeInternalCharColumns(await this.#inner.queryRaw(...args));
  }

  executeRaw(...args: Parameters<SqlDriverAdapter['executeRaw']>) {
    return this.#inner.executeRaw(...args);
  }

  async startTransaction(...args: Parameters<SqlDriverAdapter['startTransaction']>) {
    const transaction = await this.#inner.startTransaction(...args);
    // Same transaction, same connection; only its result sets get their character columns typed.
    const typed = Object.create(transaction) as typeof transaction;
    typed.queryRaw = async (query) => typeInternalCharColumns(await transaction.queryRaw(query));
    return typed;
  }

  getConnectionInfo() {
    return this.#inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  dispose() {
    return this.#inner.dispose();
  }

  async executeScript(script: string): Promise<void> {
    try {
      await this.#pool.query(script);
    } catch (error) {
      if (!(error instanceof pg.DatabaseError)) throw error;
      // A plain Error, not a DriverAdapterError: the engine would trade a known code
      // for a terse message of its own ("No such table: x") and drop the line.
      const hint = error.hint ? `\nHint: ${error.hint}` : '';
      throw new Error(`PostgreSQL error ${error.code}: ${error.message}${locateError(script, error)}${hint}`);
    }
  }
}

async function connect(url: URL): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool(pgPoolConfig(url));
  const inner = await new PrismaPg(pool, { schema: schemaName(url), disposeExternalPool: true }).connect();
  return new WholeScriptAdapter(inner, pool);
}

export interface EngineDatabases {
  /** The database the engine works on. */
  readonly url: URL;
  /** A database the engine may wipe freely; a temporary one on the main server when absent. */
  readonly shadowUrl?: URL | undefined;
}

/**
 * The adapter factory handed to `SchemaEngine.new`. `connectToShadowDb` mirrors
 * the native engine: it empties `SHADOW_DATABASE_URL` when one is configured,
 * else creates a database of its own on the main server and always drops it.
 */
export function engineAdapterFactory(databases: EngineDatabases): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connect(databases.url),
    connectToShadowDb: () => connectToShadowDatabase(databases),
  };
}

/** The shadow database for one piece of work; `dispose()` leaves the server as it was. */
export async function connectToShadowDatabase({ url, shadowUrl }: EngineDatabases): Promise<SqlDriverAdapter> {
  if (shadowUrl) {
    if (sameDatabase(url, shadowUrl)) {
      throw new Error(
        `SHADOW_DATABASE_URL points at the same database as the main URL (${redactPasswords(shadowUrl.toString())}): ` +
          'Prisma Migrate wipes the shadow database, so give it a database of its own, e.g. ctoprojects_shadow.',
      );
    }
    const shadow = await connect(shadowUrl);
    const schema = quoteIdentifier(schemaName(shadowUrl));
    await shadow.executeScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`);
    return shadow;
  }

  const name = `prisma_migrate_shadow_db_${randomUUID()}`;
  const admin = new pg.Client(pgPoolConfig(url));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const shadowOnMainServer = new URL(url);
  shadowOnMainServer.pathname = `/${name}`;
  const shadow = await connect(shadowOnMainServer);
  const dispose = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    await dispose();
    const cleaner = new pg.Client(pgPoolConfig(url));
    await cleaner.connect();
    try {
      await cleaner.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    } finally {
      await cleaner.end();
    }
  };
  return shadow;
}

function sameDatabase(a: URL, b: URL): boolean {
  const key = (u: URL) => `${u.hostname}:${u.port || '5432'}/${databaseName(u)}`;
  return key(a) === key(b);
}
