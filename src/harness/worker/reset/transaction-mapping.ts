/**
 * A Prisma transaction inside the test transaction. For `$transaction`,
 * interactive or batch, Prisma's engine asks the adapter to start a
 * transaction (adapter-pg would send BEGIN), runs the queries on it, then
 * sends `COMMIT` or `ROLLBACK` as SQL through the transaction's `executeRaw`
 * before calling its `commit()`/`rollback()`, which in adapter-pg only
 * release the connection. So the start becomes `SAVEPOINT fixtures_tx_N`, the
 * engine's `COMMIT` `RELEASE SAVEPOINT` and its `ROLLBACK` `ROLLBACK TO
 * SAVEPOINT` plus `RELEASE`. Savepoints Prisma makes itself for a nested
 * `tx.$transaction` (`prisma_sp_N`) pass through. Outside a test transaction
 * a Prisma transaction is a real one: `BEGIN` … `COMMIT`.
 */
import { type IsolationLevel, isDriverAdapterError, type SqlQueryable } from '@prisma/driver-adapter-utils';
import createDebug from '../../../text/debug.ts';
import { statement } from './sandbox-adapter.ts';
import { undoSavepoint } from './statement-savepoint.ts';

const debug = createDebug('fixtures:reset');

/** SQLSTATE of a statement sent after an earlier one failed in the same transaction. */
const IN_FAILED_TRANSACTION = '25P02';

/** The savepoint of the test's `count`-th Prisma transaction. */
export const transactionSavepoint = (count: number) => `fixtures_tx_${count}`;

/** PostgreSQL's SQLSTATE, which adapter-pg keeps on the errors it maps. */
function sqlState(error: unknown): string | undefined {
  return isDriverAdapterError(error) ? error.cause.originalCode : undefined;
}

/**
 * Starts a Prisma transaction: `SAVEPOINT savepoint` inside the test
 * transaction, else a real `BEGIN` at `isolationLevel`. Inside, the level is
 * ignored (and logged): PostgreSQL accepts `SET TRANSACTION` only before a
 * transaction's first query, never in a savepoint.
 */
export async function startPrismaTransaction(
  connection: SqlQueryable,
  savepoint: string | undefined,
  isolationLevel: IsolationLevel | undefined,
): Promise<void> {
  if (savepoint !== undefined) {
    await connection.executeRaw(statement(`SAVEPOINT ${savepoint}`));
    if (isolationLevel) debug('%s: ignored isolation level %s inside the test transaction', savepoint, isolationLevel);
    return;
  }
  await connection.executeRaw(statement('BEGIN'));
  if (!isolationLevel) return;
  await connection.executeRaw(statement(`SET TRANSACTION ISOLATION LEVEL ${isolationLevel}`)).catch(async (error) => {
    await connection.executeRaw(statement('ROLLBACK'));
    throw error;
  });
}

/**
 * Ends a Prisma transaction the way the engine asked, and calls `settle`
 * once it is over. A `COMMIT` of a savepoint in which a statement failed
 * rolls it back without an error, as PostgreSQL's own `COMMIT` does. A
 * `COMMIT` that fails otherwise leaves it unsettled: Prisma answers it with
 * `rollback()`, which undoes the savepoint.
 */
export async function finishPrismaTransaction(
  connection: SqlQueryable,
  savepoint: string | undefined,
  outcome: 'commit' | 'rollback',
  settle: () => void,
): Promise<void> {
  if (savepoint === undefined) {
    // PostgreSQL ends the transaction even when COMMIT fails, so it is settled either way.
    await connection.executeRaw(statement(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK')).finally(settle);
    return;
  }
  if (outcome === 'rollback') {
    await undoSavepoint(connection, savepoint).finally(settle);
    return;
  }
  try {
    await connection.executeRaw(statement(`RELEASE SAVEPOINT ${savepoint}`));
  } catch (error) {
    if (sqlState(error) !== IN_FAILED_TRANSACTION) throw error;
    debug('%s: a statement failed in it, so COMMIT rolls it back', savepoint);
    await undoSavepoint(connection, savepoint).finally(settle);
    return;
  }
  settle();
}
