/** The errors of the transaction sandbox (transaction.ts), which its statement and transaction wraps throw too. */

/** The sandbox was used out of turn: `begin()` twice, a query after `close()`, a transaction that outlived its test. */
export class TransactionSandboxError extends Error {
  override name = 'TransactionSandboxError';
}

/** The sandbox's connection broke while a transaction was open on it; PostgreSQL rolled that transaction back. */
export class SandboxConnectionLostError extends TransactionSandboxError {
  override name = 'SandboxConnectionLostError';
}
