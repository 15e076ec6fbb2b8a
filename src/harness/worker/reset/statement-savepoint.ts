/**
 * A statement made outside any Prisma transaction, inside the test
 * transaction. Under autocommit a failed statement (a unique violation, say)
 * aborts nothing; inside the test transaction it would abort the whole test.
 * So each such statement runs in a savepoint of its own, undone if it fails:
 * two extra round trips, and the test transaction goes on as an ordinary
 * client's would.
 */
import type { SqlQueryable } from '@prisma/driver-adapter-utils';
import createDebug from '../../../text/debug.ts';
import { statement } from './sandbox-adapter.ts';
import { TransactionSandboxError } from './sandbox-errors.ts';

const debug = createDebug('fixtures:reset');

/** Wraps one statement made outside any Prisma transaction; such wraps never nest, so one name does. */
const STATEMENT_SAVEPOINT = 'fixtures_statement';
/** Transaction control that, sent outside a Prisma transaction, would end the test transaction. */
const TRANSACTION_CONTROL = /^\s*(begin|start\s+transaction|commit|end|rollback|abort)\b/i;

/** Refuses raw `BEGIN`/`COMMIT`/`ROLLBACK` outside a Prisma transaction: on the one connection they would end the test's. */
export function refuseTransactionControl(sql: string): void {
  if (!TRANSACTION_CONTROL.test(sql)) return;
  throw new TransactionSandboxError(
    `The transaction sandbox refuses "${sql.trim()}" outside a Prisma transaction: on its one connection it would end the test transaction, or open one nobody ends. Use prisma.$transaction() instead.`,
  );
}

/** `run` on `connection` inside a savepoint of its own: a failure undoes the statement, not the test transaction. */
export async function inStatementSavepoint<T>(
  connection: SqlQueryable,
  run: (connection: SqlQueryable) => Promise<T>,
): Promise<T> {
  await connection.executeRaw(statement(`SAVEPOINT ${STATEMENT_SAVEPOINT}`));
  let result: T;
  try {
    result = await run(connection);
  } catch (error) {
    // The statement's own error is the one to report; a failed undo shows in the next statement's.
    await undoSavepoint(connection, STATEMENT_SAVEPOINT).catch((undo: Error) =>
      debug('could not undo a statement: %s', undo.message),
    );
    throw error;
  }
  await connection.executeRaw(statement(`RELEASE SAVEPOINT ${STATEMENT_SAVEPOINT}`));
  return result;
}

/** Undoes everything since `savepoint`, and the savepoint with it. */
export async function undoSavepoint(connection: SqlQueryable, savepoint: string): Promise<void> {
  await connection.executeRaw(statement(`ROLLBACK TO SAVEPOINT ${savepoint}`));
  await connection.executeRaw(statement(`RELEASE SAVEPOINT ${savepoint}`));
}
