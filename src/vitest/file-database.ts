/**
 * A test file's database for the `db` fixture: handed out by the run's pool
 * for the file's isolation mode, reset between tests by the file's reset mode,
 * and, with FIXTURES_KEEP_FAILED=1, kept with a failed test's rows while the
 * file's remaining tests go on with a fresh one.
 */
import { createPrismaClient } from '../client/create-prisma-client.ts';
import { oneOf } from '../config/option-values.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import {
  type DatabasePool,
  harnessClientUrl,
  ISOLATIONS,
  type IsolatedDatabase,
  type Isolation,
} from '../harness/worker/isolation.ts';
import { keepFailed, keepFailedEnabled } from '../harness/worker/keep-failed.ts';
import { runPool } from '../harness/worker/pools.ts';
import { createTransactionSandbox } from '../harness/worker/reset/transaction.ts';
import { truncateAll } from '../harness/worker/reset/truncate.ts';

/**
 * How a test file's database is reset between its tests:
 * - `transaction` (default): each test runs in a transaction rolled back after it; the
 *   code under test may still call `prisma.$transaction(...)` (mapped onto savepoints).
 * - `truncate`: real commits; every table but `_prisma_migrations` is emptied after each test.
 * - `none`: tests of the file share what they write.
 */
export type ResetMode = 'transaction' | 'truncate' | 'none';

export const RESET_MODES: readonly ResetMode[] = ['transaction', 'truncate', 'none'];

/** A file's database as its tests reach it: the client, its URL and its name. */
export interface FileClient {
  readonly prisma: PrismaClient;
  readonly url: string;
  readonly name: string;
}

/** One database handed out, with its client and its reset. */
interface Opened {
  readonly database: IsolatedDatabase;
  readonly client: FileClient;
  begin(): Promise<void>;
  reset(): Promise<void>;
  /** Makes what the current test wrote stay (its transaction committed, no truncation). */
  keepWrites(): Promise<void>;
  disconnect(): Promise<void>;
}

async function open(pool: DatabasePool, reset: ResetMode): Promise<Opened> {
  const database = await pool.acquire();
  const { name, url } = database;
  // The file's own client is tagged as the harness's: its release drops the database without waiting for it to leave.
  const ownUrl = harnessClientUrl(database);
  try {
    if (reset === 'transaction') {
      const sandbox = await createTransactionSandbox(ownUrl);
      return {
        database,
        client: { prisma: sandbox.prisma, url, name },
        begin: () => sandbox.begin(),
        reset: () => sandbox.rollback(),
        keepWrites: () => sandbox.commit(),
        disconnect: () => sandbox.close(),
      };
    }
    const prisma = createPrismaClient({ url: ownUrl });
    const truncate = reset === 'truncate' ? await truncateAll(prisma) : async () => {};
    return {
      database,
      client: { prisma, url, name },
      begin: async () => {},
      reset: truncate,
      keepWrites: async () => {},
      disconnect: () => prisma.$disconnect(),
    };
  } catch (error) {
    await pool.release(name).catch(() => {});
    throw error;
  }
}

export class FileDatabase {
  readonly #pool: DatabasePool;
  readonly #reset: ResetMode;
  #current: Opened;
  /** `none` shares one database across the file: once kept, it is kept as a whole, and never released. */
  #kept = false;

  private constructor(pool: DatabasePool, reset: ResetMode, current: Opened) {
    this.#pool = pool;
    this.#reset = reset;
    this.#current = current;
  }

  /**
   * The file's first database. `isolation` and `reset` come from
   * `test.override`, which the types check but JavaScript does not: a value
   * outside the modes is an OptionError here, before anything is opened (an
   * unknown `dbReset` used to reset nothing at all).
   */
  static async open(isolation: Isolation, reset: ResetMode): Promise<FileDatabase> {
    oneOf('dbIsolation', isolation, ISOLATIONS, "test.override({ dbIsolation: 'schema' })");
    oneOf('dbReset', reset, RESET_MODES, "test.override({ dbReset: 'truncate' })");
    const pool = await runPool(isolation);
    return new FileDatabase(pool, reset, await open(pool, reset));
  }

  /** The current database's client (a new one after a kept failure); each test builds its context on it. */
  get client(): FileClient {
    return this.#current.client;
  }

  beforeTest(): Promise<void> {
    return this.#current.begin();
  }

  /** Resets after a test; `failed` names a failed test, whose database is kept if FIXTURES_KEEP_FAILED=1. */
  async afterTest(failed: string | undefined): Promise<void> {
    if (failed === undefined || !keepFailedEnabled()) return this.#current.reset();
    const kept = this.#current;
    await kept.keepWrites();
    if (this.#kept) return;
    await keepFailed(this.#pool, kept.database, `the failed test "${failed}"`);
    if (this.#reset === 'none') {
      this.#kept = true;
      return;
    }
    // The next tests must not see the failed one's rows, nor write into what a person will look at.
    this.#current = await open(this.#pool, this.#reset);
    await kept.disconnect();
  }

  /**
   * Disconnects and drops the current database (unless kept): in the
   * background when only the file's own client was on it, so that the next
   * file need not wait (the worker's pools wait at its end); otherwise at
   * once, reporting the connections the tests left open on it.
   */
  async close(): Promise<void> {
    try {
      await this.#current.disconnect();
    } finally {
      if (!this.#kept) await this.#pool.releaseSoon(this.#current.database.name);
    }
  }
}
