/**
 * `schema-engine --datasource '{"url":…}' cli <command>`: the three one-shot
 * commands the Prisma CLI runs before it starts the engine proper. Success is
 * exit 0; failure is exit 1 with one JSON log line on stderr carrying a
 * Prisma error code, which the CLI turns into its own message (P1003 makes
 * `migrate dev` create the database).
 */
import pg from 'pg';
import { databaseName, redactPasswords } from '../config/database-url.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { connectionErrors, type ServerLocation } from './error-codes.ts';
import { pgPoolConfig } from './pg-adapter.ts';

export const CLI_COMMANDS = ['can-connect-to-database', 'create-database', 'drop-database'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

/** A failure the CLI understands: a Prisma error code and a message without passwords. */
export class EngineCliError extends Error {
  readonly errorCode: string;

  constructor(errorCode: string, message: string) {
    super(redactPasswords(message));
    this.errorCode = errorCode;
  }
}

function serverOf(url: URL): ServerLocation {
  return { host: url.hostname, port: url.port || '5432' };
}

/** Maps a connection failure to the error code and message the native engine would give. */
export function toEngineCliError(error: unknown, url: URL): EngineCliError {
  const code = (error as { code?: string }).code;
  const server = serverOf(url);
  switch (code) {
    case '3D000':
      return new EngineCliError('P1003', connectionErrors.P1003(server, databaseName(url)));
    case '28P01':
    case '28000':
      return new EngineCliError('P1000', connectionErrors.P1000(decodeURIComponent(url.username)));
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return new EngineCliError('P1001', connectionErrors.P1001(server));
    default:
      return new EngineCliError(
        'P1000',
        `Could not connect to the database server at \`${server.host}:${server.port}\`: ${(error as Error).message}`,
      );
  }
}

async function withClient<T>(url: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...pgPoolConfig(url), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw toEngineCliError(error, url);
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The same server's maintenance database, for creating and dropping others. */
function maintenanceUrl(url: URL): URL {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin;
}

export async function runCliCommand(command: CliCommand, url: URL): Promise<string> {
  switch (command) {
    case 'can-connect-to-database':
      await withClient(url, (client) => client.query('SELECT 1'));
      return '';
    case 'create-database': {
      const name = databaseName(url);
      await withClient(maintenanceUrl(url), async (client) => {
        try {
          await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
        } catch (error) {
          if ((error as { code?: string }).code !== '42P04') throw error; // already exists: nothing to do
        }
      });
      return name;
    }
    case 'drop-database': {
      const name = databaseName(url);
      await withClient(maintenanceUrl(url), (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
      );
      return name;
    }
  }
}
