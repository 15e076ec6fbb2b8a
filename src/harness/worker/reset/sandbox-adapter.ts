/**
 * What Prisma's engine talks to inside the transaction sandbox
 * (transaction.ts): an adapter whose statements and transactions are routed
 * through the sandbox, and the transactions it hands out, which the sandbox
 * maps onto savepoints of the test transaction.
 */
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlQuery,
  SqlQueryable,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';

/** A statement with no parameters. */
export function statement(sql: string): SqlQuery {
  return { sql, args: [], argTypes: [] };
}

/** The sandbox, as its adapter and transactions see it. */
export interface SandboxHost {
  /** A statement made outside any Prisma transaction. */
  outside<T>(query: SqlQuery, run: (connection: SqlQueryable) => Promise<T>): Promise<T>;
  /** A statement of a Prisma transaction. */
  inside<T>(transaction: SandboxTransaction, run: (connection: SqlQueryable) => Promise<T>): Promise<T>;
  /** Ends a Prisma transaction. */
  finish(transaction: SandboxTransaction, outcome: 'commit' | 'rollback'): Promise<void>;
  startTransaction(isolationLevel: IsolationLevel | undefined, adapterName: string): Promise<Transaction>;
  connectionInfo(): ConnectionInfo;
}

/** The adapter Prisma's engine sees: adapter-pg's, with transactions and statements routed through the sandbox. */
export class SandboxAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  readonly #sandbox: SandboxHost;

  constructor(sandbox: SandboxHost, base: SqlDriverAdapter) {
    this.provider = base.provider;
    this.adapterName = base.adapterName;
    this.#sandbox = sandbox;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#sandbox.outside(query, (connection) => connection.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#sandbox.outside(query, (connection) => connection.executeRaw(query));
  }

  async executeScript(script: string): Promise<void> {
    // adapter-pg splits a script at semicolons too; each statement goes through as one of Prisma's would.
    for (const part of script.split(';').map((text) => text.trim())) {
      if (part !== '') await this.executeRaw(statement(part));
    }
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.#sandbox.startTransaction(isolationLevel, this.adapterName);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.#sandbox.connectionInfo();
  }

  /** Prisma's `$disconnect()`; the connection is the sandbox's, and `close()` ends it. */
  async dispose(): Promise<void> {}
}

export interface TransactionState {
  /** `fixtures_tx_N` inside a test transaction; undefined for a real transaction, outside one. */
  readonly savepoint: string | undefined;
  readonly epoch: number;
  /** The connection it began on. */
  readonly connection: Transaction;
  /** Lets the next Prisma transaction start. */
  readonly release: () => void;
}

/** One Prisma transaction: a savepoint of the test transaction, or a real one outside it. */
export class SandboxTransaction implements Transaction {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;
  /** `usePhantomQuery: false`: the engine sends COMMIT and ROLLBACK as SQL through `executeRaw`, where they are mapped. */
  readonly options = { usePhantomQuery: false };
  readonly state: TransactionState;
  readonly #sandbox: SandboxHost;
  #settled = false;

  constructor(sandbox: SandboxHost, adapterName: string, state: TransactionState) {
    this.#sandbox = sandbox;
    this.adapterName = adapterName;
    this.state = state;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#sandbox.inside(this, (connection) => connection.queryRaw(query));
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    if (query.args.length === 0 && (query.sql === 'COMMIT' || query.sql === 'ROLLBACK')) {
      await this.#end(query.sql === 'COMMIT' ? 'commit' : 'rollback');
      return 0;
    }
    return this.#sandbox.inside(this, (connection) => connection.executeRaw(query));
  }

  /** Called by the engine after its COMMIT went through: nothing left to do unless the COMMIT never came. */
  commit(): Promise<void> {
    return this.#end('commit');
  }

  /** Called by the engine after its ROLLBACK, or after a COMMIT that failed. */
  rollback(): Promise<void> {
    return this.#end('rollback');
  }

  async createSavepoint(name: string): Promise<void> {
    await this.executeRaw(statement(`SAVEPOINT ${name}`));
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.executeRaw(statement(`ROLLBACK TO SAVEPOINT ${name}`));
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.executeRaw(statement(`RELEASE SAVEPOINT ${name}`));
  }

  /** The test transaction ended under this one: let the next test's transactions start. */
  abandon(): void {
    this.state.release();
  }

  settle(): void {
    this.#settled = true;
    this.state.release();
  }

  async #end(outcome: 'commit' | 'rollback'): Promise<void> {
    if (this.#settled) return;
    await this.#sandbox.finish(this, outcome);
  }
}
