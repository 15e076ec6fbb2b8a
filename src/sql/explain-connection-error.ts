/**
 * What went wrong reaching a PostgreSQL server, said so that a person knows
 * what to change. pg's own messages (`password authentication failed for
 * user "postgres"`, `connect ECONNREFUSED 127.0.0.1:1`, `timeout expired`)
 * name neither the server nor the setting that pointed at it.
 */
import { redactPasswords } from '../config/database-url.ts';
import { DatabaseConnectionError } from './connection-error.ts';
import { ADMIN_TIMEOUT_VARIABLE, adminTimeoutMs, CONNECT_TIMEOUT_VARIABLE, connectTimeoutMs } from './timeouts.ts';

/** The server an error came from, and how the person running the tests named it. */
export interface ConnectionTarget {
  readonly url: URL | string;
  /** The variable that holds `url`, for the message (e.g. `TEST_DATABASE_URL`). */
  readonly variable?: string | undefined;
  /** What else the person may do, ending the message: e.g. `or unset TEST_DATABASE_URL …`. */
  readonly otherwise?: string | undefined;
}

/** A URL's host without IPv6 brackets, or the socket directory of `?host=`. */
function hostOf(url: URL): string {
  return url.searchParams.get('host') ?? url.hostname.replace(/^\[(.*)\]$/, '$1');
}

interface PgLikeError {
  readonly message?: string;
  readonly code?: string;
}

/**
 * `error` as a {@link DatabaseConnectionError} when it is one of the ways a
 * connection fails (refused, unknown host, timed out, wrong password, no such
 * role or database); any other error is returned as it is.
 */
export function explainConnectionError(error: unknown, target: ConnectionTarget): unknown {
  if (!(error instanceof Error) || error instanceof DatabaseConnectionError) return error;
  const { code, message = '' } = error as PgLikeError;
  const url = new URL(target.url);
  const host = hostOf(url);
  const port = Number(url.port || 5432);
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const server = `PostgreSQL at ${where}${target.variable ? ` (${target.variable})` : ''}`;
  const inVariable = target.variable ? ` in ${target.variable}` : '';
  const otherwise = target.otherwise ? `, ${target.otherwise}` : '';
  const user = decodeURIComponent(url.username) || 'postgres';
  const explained = (text: string) =>
    new DatabaseConnectionError(
      redactPasswords(text),
      { host, port, variable: target.variable },
      { cause: redactedCause(error) },
    );

  if (/^timeout expired$|due to connection timeout|timeout exceeded when trying to connect/.test(message)) {
    const ms = connectTimeoutMs();
    return explained(
      `${server} did not answer within ${ms} ms: check that PostgreSQL, not another program, listens there and is not overloaded; or raise ${CONNECT_TIMEOUT_VARIABLE} (${ms} now).`,
    );
  }
  if (message === 'Query read timeout') {
    const ms = adminTimeoutMs();
    return explained(
      `${server} stopped answering: a statement of the harness got no reply within ${ms} ms. Look in pg_stat_activity for what it waits on; or raise ${ADMIN_TIMEOUT_VARIABLE} (${ms} now).`,
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
      return explained(
        `Nothing accepts connections at ${where}${target.variable ? ` (${target.variable})` : ''}: start PostgreSQL there, or correct the host and port${inVariable}${otherwise}.`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return explained(
        `The host "${host}"${target.variable ? ` of ${target.variable}` : ''} does not resolve (${code}): correct the host name${inVariable}${otherwise}.`,
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return explained(
        `${server} cannot be reached (${code}): check the host and port${inVariable} and the network in between${otherwise}.`,
      );
    case '28P01':
      return explained(
        `${server} refused the password of the role "${user}": correct the password${inVariable} (percent-encode @, :, / and % in it)${otherwise}.`,
      );
    case '28000':
      return explained(
        `${server} does not let the role "${user}" in (${message}): use a role it accepts${inVariable}, or allow this one in the server's pg_hba.conf${otherwise}.`,
      );
    case '3D000':
      return explained(
        `${server} has no database "${decodeURIComponent(url.pathname.slice(1))}": name one that exists${inVariable} (postgres always does)${otherwise}.`,
      );
  }
  if (code === 'ECONNRESET' || message === 'Connection terminated unexpectedly') {
    return explained(
      `${server} closed the connection before it was ready (${message}): check that PostgreSQL, not another program, listens there${otherwise}.`,
    );
  }
  return error;
}

/** The cause kept for debugging, its message redacted: Node prints a cause in full. */
function redactedCause(error: Error): Error {
  const cause = new Error(redactPasswords(error.message));
  cause.name = error.name;
  const { code } = error as PgLikeError;
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
}
