// The error itself; explain-connection-error.ts decides which failures become one, and words them.

/** Which server, and through which variable: what a DatabaseConnectionError carries besides its message. */
export interface ConnectionErrorDetails {
  readonly host: string;
  readonly port: number;
  readonly variable?: string | undefined;
}

/** The harness could not reach, log in to, or hear back from a PostgreSQL server; the message says what to do. */
export class DatabaseConnectionError extends Error {
  override name = 'DatabaseConnectionError';
  /** The server's host, as its URL names it. */
  readonly host: string;
  readonly port: number;
  /** The variable whose URL it was, e.g. `TEST_DATABASE_URL`; undefined for a server the harness started. */
  readonly variable: string | undefined;

  constructor(message: string, { host, port, variable }: ConnectionErrorDetails, options?: ErrorOptions) {
    super(message, options);
    this.host = host;
    this.port = port;
    this.variable = variable;
  }
}
