/**
 * The adapter the engine runs migrations through: adapter-pg's, with scripts
 * sent whole and `"char"` columns typed (see catalog-char.ts).
 */
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { typeInternalCharColumns } from './catalog-char.ts';

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

/** PostgreSQL's refusal of a script, with where in the script it happened. */
export class ScriptError extends Error {
  override name = 'ScriptError';
  /** The SQLSTATE, e.g. `22012`. */
  readonly code: string;
  /** PostgreSQL's words, as `psql` shows them: `ERROR: division by zero`, and the hint. */
  readonly databaseError: string;

  constructor(error: pg.DatabaseError, script: string) {
    const hint = error.hint ? `\nHint: ${error.hint}` : '';
    super(`PostgreSQL error ${error.code}: ${error.message}${locateError(script, error)}${hint}`);
    this.code = error.code ?? 'N/A';
    this.databaseError = `${error.severity ?? 'ERROR'}: ${error.message}${hint}${locateError(script, error)}`;
  }
}

/**
 * adapter-pg's `executeScript` splits the script on every `;`, which breaks
 * any migration with a semicolon inside a string, a comment or a function
 * body. The native engine sends a migration as one simple-protocol query; so
 * do we, which also makes a failing script roll back as a whole.
 */
export class WholeScriptAdapter implements SqlDriverAdapter {
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
      // Not a DriverAdapterError: the engine would trade a known code for a terse message of
      // its own ("No such table: x") and drop the line. applyMigrations makes it Prisma's P3018.
      throw new ScriptError(error, script);
    }
  }
}
