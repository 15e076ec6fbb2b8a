/**
 * Per-test isolation by one transaction rolled back after each test, like
 * jest-prisma or Ecto's SQL sandbox, for Prisma 7 on driver adapters.
 *
 * How it works. The sandbox's Prisma Client runs every query on ONE
 * connection, kept checked out of adapter-pg's pool (see `checkOut`), on which
 * `begin()` opens the test transaction and `rollback()` undoes it. The reset
 * between two tests is one round trip: `rollback()` sends `ROLLBACK; BEGIN`,
 * and the next `begin()` takes that transaction over.
 *
 * This module is the sandbox: the one connection, the test transaction's
 * states, and who may use the connection when. Its two wraps are modules of
 * their own:
 * - statement-savepoint.ts: a statement made outside any Prisma transaction
 *   runs in a savepoint of its own, so that a failed one (a unique
 *   violation, say) does not abort the test transaction;
 * - transaction-mapping.ts: application code keeps calling
 *   `prisma.$transaction(...)`, interactive or batch, and each becomes a
 *   savepoint of the test transaction (`fixtures_tx_N`); its COMMIT of a
 *   failed transaction rolls it back without an error, as PostgreSQL's does.
 * Outside `begin()` … `rollback()`, the client is an ordinary one: its
 * transactions are real `BEGIN`/`COMMIT`, and their writes stay.
 *
 * Limitations:
 * - Queries issued concurrently wait for each other (pg's queue and ours), and
 *   Prisma transactions run one at a time. A `$transaction` on the outer
 *   client inside another's callback therefore waits for it, and fails with
 *   Prisma's P2028 after `maxWait`, as it would on a pool of one.
 * - A query on the outer client made while a Prisma transaction is open runs
 *   inside that transaction: it sees its uncommitted rows, and is undone if
 *   the transaction rolls back.
 * - The isolation level of a Prisma transaction inside the test transaction
 *   is ignored (logged on `fixtures:reset`): PostgreSQL accepts `SET
 *   TRANSACTION` only before a transaction's first query, never inside a
 *   savepoint. With no other connection in the test, there are no concurrent
 *   transactions for a level to arbitrate anyway.
 * - Raw `BEGIN`/`COMMIT`/`ROLLBACK` sent by the application outside a Prisma
 *   transaction are refused: they would end the test transaction.
 * - Nothing is committed (but by `commit()`, which keeps a failed test's
 *   writes for FIXTURES_KEEP_FAILED), so `DEFERRABLE INITIALLY DEFERRED`
 *   constraints are never checked (the data model has none).
 *
 * The adapter and transactions Prisma's engine sees are in sandbox-adapter.ts.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  Transaction,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { poolSettings } from '../../../client/create-prisma-client.ts';
import { redactPasswords } from '../../../config/database-url.ts';
import { PrismaClient } from '../../../generated/prisma/client.ts';
import { endPool } from '../../../sql/end-pool.ts';
import createDebug from '../../../text/debug.ts';
import { Lock } from './lock.ts';
import { SandboxAdapter, type SandboxHost, SandboxTransaction, statement } from './sandbox-adapter.ts';
import { SandboxConnectionLostError, TransactionSandboxError } from './sandbox-errors.ts';
import { inStatementSavepoint, refuseTransactionControl } from './statement-savepoint.ts';
import { finishPrismaTransaction, startPrismaTransaction, transactionSavepoint } from './transaction-mapping.ts';

export { SandboxConnectionLostError, TransactionSandboxError } from './sandbox-errors.ts';

const debug = createDebug('fixtures:reset');

/**
 * Per-test transactions on one connection: see the module comment.
 *
 * @example
 * const sandbox = await createTransactionSandbox(process.env.DATABASE_URL ?? '');
 * beforeEach(() => sandbox.begin());
 * afterEach(() => sandbox.rollback());
 * afterAll(() => sandbox.close());
 */
export interface TransactionSandbox {
  /** A PrismaClient whose every query runs on the sandbox's single connection, inside the current test transaction. */
  readonly prisma: PrismaClient;
  /** BEGIN the outer transaction for a test. Throws a {@link TransactionSandboxError} if one is already open. */
  begin(): Promise<void>;
  /** ROLLBACK the outer transaction: everything the test wrote is gone. Safe to call when none is open. */
  rollback(): Promise<void>;
  /**
   * COMMIT the outer transaction instead: what the test wrote stays, for a
   * person to look at (FIXTURES_KEEP_FAILED). Safe to call when none is open.
   */
  commit(): Promise<void>;
  /** Disconnects the client and closes the connection. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens a sandbox on the database at `url` (a `DATABASE_URL`-style string;
 * `?schema=` is honoured) and connects, so that a wrong URL fails here.
 *
 * @example
 * const sandbox = await createTransactionSandbox('postgresql://postgres:postgres@localhost:5432/ctoprojects');
 * await sandbox.begin();
 * await sandbox.prisma.user.create({ data: { email: 'ada@ctoprojects.dev', displayName: 'Ada' } });
 * await sandbox.rollback(); // Ada is gone
 * await sandbox.close();
 */
export async function createTransactionSandbox(url: string): Promise<TransactionSandbox> {
  const { pool: settings, schema } = poolSettings('createTransactionSandbox(url)', url);
  const pool = new pg.Pool({ ...settings, max: 1 });
  let sandbox: Sandbox | undefined;
  const base = await new PrismaPg(pool, {
    schema,
    onConnectionError: (error) => sandbox?.connectionLost(error),
  }).connect();
  try {
    // pg's own error names the cause ("database … does not exist"); adapter-pg's is only a kind.
    await pool.query('SELECT 1');
    sandbox = new Sandbox(pool, base, await checkOut(base));
    return sandbox;
  } catch (error) {
    await base.dispose();
    await endPool(pool);
    throw new TransactionSandboxError(
      `Could not open a transaction sandbox on ${redactPasswords(url)}: ${redactPasswords((error as Error).message)}. Check that the server is up and the database exists.`,
      { cause: error },
    );
  }
}

/**
 * A connection of the sandbox's own, with adapter-pg's type and error mapping.
 * adapter-pg's transaction holds one pool connection until `commit()` or
 * `rollback()` and sends whatever SQL it is given: once its BEGIN is
 * committed, it is a plain connection in autocommit. (`pg.Pool#query` will
 * not do: it closes the connection whenever a statement fails, and the test
 * transaction with it.) `rollback()` hands it back to the pool, with no SQL.
 */
async function checkOut(base: SqlDriverAdapter): Promise<Transaction> {
  const connection = await base.startTransaction();
  await connection.executeRaw(statement('COMMIT'));
  return connection;
}

interface OpenTestTransaction {
  readonly kind: 'open';
  readonly epoch: number;
  readonly startedAt: number;
  savepoints: number;
  /** Prisma transactions opened in this test and not finished yet. */
  readonly transactions: Set<SandboxTransaction>;
}

/**
 * - `idle`: no transaction; the client is an ordinary one.
 * - `ready`: a BEGIN sent with the last test's ROLLBACK, in the same round
 *   trip, which the next `begin()` takes over; empty, and rolled back first if
 *   anything else needs the connection before then.
 * - `open`: a test's transaction.
 */
type TestTransaction = { readonly kind: 'idle' } | { readonly kind: 'ready' } | OpenTestTransaction;

const IDLE: TestTransaction = { kind: 'idle' };
const READY: TestTransaction = { kind: 'ready' };

class Sandbox implements TransactionSandbox, SandboxHost {
  readonly prisma: PrismaClient;
  readonly #pool: pg.Pool;
  readonly #base: SqlDriverAdapter;
  /** The one connection every statement runs on; replaced only between test transactions, when pg reports it broken. */
  #connection: Transaction;
  #lost: Error | undefined;
  /** One statement (or one wrapped statement) on the connection at a time, so that savepoints nest properly. */
  readonly #statements = new Lock();
  /** One Prisma transaction at a time: two interleaved ones could not both be savepoints of one connection. */
  readonly #transactions = new Lock();
  #test: TestTransaction = IDLE;
  /** Bumped at every BEGIN and ROLLBACK of a test transaction, to tell one test's work from the next's. */
  #epoch = 0;
  #beginning: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(pool: pg.Pool, base: SqlDriverAdapter, connection: Transaction) {
    this.#pool = pool;
    this.#base = base;
    this.#connection = connection;
    const factory: SqlDriverAdapterFactory = {
      provider: base.provider,
      adapterName: base.adapterName,
      connect: async () => {
        if (this.#closed) throw this.#closedError();
        return new SandboxAdapter(this, base);
      },
    };
    this.prisma = new PrismaClient({ adapter: factory });
  }

  async begin(): Promise<void> {
    if (this.#closing) throw this.#closedError();
    if (this.#test.kind === 'open' || this.#beginning) {
      throw new TransactionSandboxError(
        'begin() was called while a test transaction is already open: call rollback() at the end of every test (in afterEach) before the next begin().',
      );
    }
    this.#beginning = this.#begin();
    try {
      await this.#beginning;
    } finally {
      this.#beginning = undefined;
    }
  }

  async #begin(): Promise<void> {
    // A real transaction the client opened before begin() must finish first: BEGIN inside it would be ignored.
    const release = await this.#transactions.acquire();
    try {
      await this.#statements.run(async () => {
        if (this.#lost) await this.#reconnect();
        // After a ROLLBACK the next BEGIN went with it (see rollback()): one round trip per reset instead of two.
        if (this.#test.kind !== 'ready') await this.#connection.executeRaw(statement('BEGIN'));
        this.#epoch += 1;
        this.#test = {
          kind: 'open',
          epoch: this.#epoch,
          startedAt: performance.now(),
          savepoints: 0,
          transactions: new Set(),
        };
      });
    } finally {
      release();
    }
    debug('BEGIN test transaction %d', this.#epoch);
  }

  rollback(): Promise<void> {
    return this.#rollback('ROLLBACK; BEGIN');
  }

  /**
   * Ends the test transaction. `ROLLBACK; BEGIN` also opens the next test's
   * transaction in the same round trip: two statements in one simple query,
   * which PostgreSQL runs one after the other, each as its own transaction.
   */
  async #rollback(sql: 'ROLLBACK' | 'ROLLBACK; BEGIN'): Promise<void> {
    await this.#beginning?.catch(() => {});
    const test = this.#test;
    if (test.kind !== 'open') return;
    // Prisma transactions still open belong to this test and end with it; they must not hold the next test's back.
    for (const transaction of test.transactions) transaction.abandon();
    await this.#statements.run(async () => {
      this.#epoch += 1;
      this.#test = IDLE;
      try {
        if (this.#lost) return;
        await this.#connection.executeRaw(statement(sql));
        if (sql !== 'ROLLBACK') this.#test = READY;
      } catch (error) {
        // ROLLBACK fails only on a broken connection, and PostgreSQL then rolls back by itself.
        this.connectionLost(error as Error);
      }
    });
    debug('ROLLBACK test transaction %d after %d ms', test.epoch, Math.round(performance.now() - test.startedAt));
  }

  async commit(): Promise<void> {
    await this.#beginning?.catch(() => {});
    const test = this.#test;
    if (test.kind !== 'open') return;
    for (const transaction of test.transactions) transaction.abandon();
    await this.#statements.run(async () => {
      try {
        if (this.#lost) throw this.#lostError();
        await this.#connection.executeRaw(statement('COMMIT'));
      } finally {
        this.#epoch += 1;
        this.#test = IDLE;
      }
    });
    debug('COMMIT test transaction %d after %d ms', test.epoch, Math.round(performance.now() - test.startedAt));
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      await this.prisma.$disconnect();
      await this.#rollback('ROLLBACK');
      await this.#statements.run(() => this.#leaveReady());
    } finally {
      this.#closed = true;
      await this.#connection.rollback().catch(() => {});
      await this.#base.dispose();
      await endPool(this.#pool);
      debug('closed');
    }
  }

  /** pg reported the connection broken (adapter-pg's `onConnectionError`). */
  connectionLost(error: Error): void {
    this.#lost ??= error;
    debug('connection lost: %s', error.message);
  }

  /** A statement made outside any Prisma transaction. */
  outside<T>(query: SqlQuery, run: (connection: SqlQueryable) => Promise<T>): Promise<T> {
    return this.#onConnection(async () => {
      refuseTransactionControl(query.sql);
      await this.#leaveReady();
      if (this.#test.kind !== 'open') {
        if (this.#lost) await this.#reconnect();
        return run(this.#connection);
      }
      this.#assertConnected();
      return inStatementSavepoint(this.#connection, run);
    });
  }

  async startTransaction(isolationLevel: IsolationLevel | undefined, adapterName: string): Promise<Transaction> {
    const requestedIn = this.#epoch;
    const release = await this.#transactions.acquire();
    try {
      return await this.#onConnection(async () => {
        if (this.#epoch !== requestedIn) {
          throw new TransactionSandboxError(
            'A Prisma transaction was requested by a test whose transaction has since been rolled back: await every query and $transaction before the test ends.',
          );
        }
        await this.#leaveReady();
        const test = this.#test;
        if (test.kind !== 'open') {
          if (this.#lost) await this.#reconnect();
          const connection = this.#connection;
          await startPrismaTransaction(connection, undefined, isolationLevel);
          return new SandboxTransaction(this, adapterName, {
            savepoint: undefined,
            epoch: this.#epoch,
            connection,
            release,
          });
        }
        this.#assertConnected();
        test.savepoints += 1;
        const savepoint = transactionSavepoint(test.savepoints);
        await startPrismaTransaction(this.#connection, savepoint, isolationLevel);
        const transaction = new SandboxTransaction(this, adapterName, {
          savepoint,
          epoch: test.epoch,
          connection: this.#connection,
          release,
        });
        test.transactions.add(transaction);
        return transaction;
      });
    } catch (error) {
      release();
      throw error;
    }
  }

  /** A statement of a Prisma transaction, refused if that transaction outlived its test or its connection. */
  inside<T>(transaction: SandboxTransaction, run: (connection: SqlQueryable) => Promise<T>): Promise<T> {
    return this.#onConnection(async () => {
      this.#assertLive(transaction);
      return run(this.#connection);
    });
  }

  /** Ends a Prisma transaction: the engine's COMMIT or ROLLBACK, mapped onto the transaction's savepoint. */
  finish(transaction: SandboxTransaction, outcome: 'commit' | 'rollback'): Promise<void> {
    const { savepoint } = transaction.state;
    return this.#statements.run(async () => {
      if (outcome === 'rollback' && !this.#isLive(transaction)) {
        // Nothing left to undo: the test transaction's ROLLBACK, or PostgreSQL on a lost connection, did it already.
        this.#settle(transaction);
        return;
      }
      if (this.#closed) throw this.#closedError();
      this.#assertLive(transaction);
      await finishPrismaTransaction(this.#connection, savepoint, outcome, () => this.#settle(transaction));
    });
  }

  connectionInfo(): ConnectionInfo {
    return this.#base.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  #settle(transaction: SandboxTransaction): void {
    if (this.#test.kind === 'open') this.#test.transactions.delete(transaction);
    transaction.settle();
  }

  /** Between tests the client is an ordinary one: the next test's BEGIN, sent early, is taken back first. */
  async #leaveReady(): Promise<void> {
    if (this.#test.kind !== 'ready') return;
    this.#test = IDLE;
    if (this.#lost) return;
    try {
      await this.#connection.executeRaw(statement('ROLLBACK'));
    } catch (error) {
      this.connectionLost(error as Error);
    }
  }

  /** Replaces a broken connection; only outside a test transaction, so nothing the test relies on goes with it. */
  async #reconnect(): Promise<void> {
    // Hands the broken connection back: pg.Pool discards a client that had an error.
    await this.#connection.rollback().catch(() => {});
    // The new connection has no transaction: a BEGIN sent early went with the old one.
    this.#test = IDLE;
    this.#connection = await checkOut(this.#base);
    this.#lost = undefined;
    debug('reconnected');
  }

  #onConnection<T>(work: () => Promise<T>): Promise<T> {
    return this.#statements.run(async () => {
      if (this.#closed) throw this.#closedError();
      return work();
    });
  }

  #isLive(transaction: SandboxTransaction): boolean {
    const { savepoint, epoch, connection } = transaction.state;
    const test = this.#test;
    const outlived = savepoint !== undefined && (test.kind !== 'open' || test.epoch !== epoch);
    return !this.#closed && !outlived && this.#lost === undefined && connection === this.#connection;
  }

  #assertLive(transaction: SandboxTransaction): void {
    const { savepoint, epoch, connection } = transaction.state;
    const test = this.#test;
    if (savepoint !== undefined && (test.kind !== 'open' || test.epoch !== epoch)) {
      throw new TransactionSandboxError(
        `A Prisma transaction (${savepoint}) outlived its test: the test transaction was rolled back before it finished, and its writes with it. Await every query and $transaction before the test ends.`,
      );
    }
    if (connection !== this.#connection) throw this.#lostError();
    this.#assertConnected();
  }

  #assertConnected(): void {
    if (this.#lost) throw this.#lostError();
  }

  #lostError(): SandboxConnectionLostError {
    return new SandboxConnectionLostError(
      'The transaction sandbox lost its connection to PostgreSQL while a transaction was open, so PostgreSQL rolled that transaction back with everything written in it. Call rollback(), then begin() to go on with a new connection.',
      { cause: this.#lost },
    );
  }

  #closedError(): TransactionSandboxError {
    return new TransactionSandboxError(
      'This transaction sandbox is closed: open a new one with createTransactionSandbox(url).',
    );
  }
}
