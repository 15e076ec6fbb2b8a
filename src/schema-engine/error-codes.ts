/**
 * Prisma's connection errors, worded as the native engine words them
 * (prisma-engines, `user-facing-errors`), and read back from a message the
 * WebAssembly engine gives without its code: what the CLI shows for P1001 is
 * the same whichever engine ran.
 */
import { ScriptError } from './whole-script-adapter.ts';

/** Where a server is, as the engine names it: `host:port`. */
export interface ServerLocation {
  readonly host: string;
  readonly port: string;
}

const at = ({ host, port }: ServerLocation) => `${host}:${port}`;

/** The messages of the codes we give ourselves, keyed by code. */
export const connectionErrors = {
  P1000: (user: string) =>
    `Authentication failed against database server, the provided database credentials for \`${user}\` are not valid.\n\n` +
    'Please make sure to provide valid database credentials for the database server at the configured address.',
  P1001: (server: ServerLocation) =>
    `Can't reach database server at \`${at(server)}\`\n\nPlease make sure your database server is running at \`${at(server)}\`.`,
  P1003: (server: ServerLocation, database: string) =>
    `Database \`${database}\` does not exist on the database server at \`${at(server)}\`.`,
} as const;

/** The first words of each known message, to give back the code the WebAssembly engine left out. */
const CODE_OF_MESSAGE: readonly [code: string, pattern: RegExp][] = [
  ['P1000', /^Authentication failed against database server/],
  ['P1001', /^Can't reach database server at/],
  ['P1002', /^The database server (at .+ )?was reached but timed out/],
  ['P1003', /^Database `.*` does not exist on the database server/],
  ['P1010', /^User `.*` was denied access on the database/],
  ['P1017', /^Server has closed the connection/],
];

/** The Prisma error code of a message the engine gave, when it is one of the connection errors. */
export function prismaErrorCodeOf(message: string): string | undefined {
  return CODE_OF_MESSAGE.find(([, pattern]) => pattern.test(message))?.[0];
}

/** `error`'s message, meta and Prisma code: its own code when it has one, else the one its message shows. */
export function withPrismaErrorCode(error: unknown): { message: string; code?: string | undefined; meta?: unknown } {
  const { message = String(error), code, meta } = (error ?? {}) as { message?: string; code?: unknown; meta?: unknown };
  return { message, code: typeof code === 'string' ? code : prismaErrorCodeOf(message), meta };
}

/**
 * A migration PostgreSQL refused, as Prisma's P3018 (the native engine's
 * words): the WebAssembly engine reports it as an "external connector error"
 * with a backtrace. `error` is the engine's, explained (engine-session.ts):
 * its message names the migration, its cause is the script's error.
 */
export function asMigrationFailure(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const migration = /migration_name="([^"]+)"/.exec((error as Error | undefined)?.message ?? '')?.[1];
  if (!(cause instanceof ScriptError) || migration === undefined) return error;
  const message =
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
    'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
    `Migration name: ${migration}\n\nDatabase error code: ${cause.code}\n\nDatabase error:\n${cause.databaseError}\n`;
  return Object.assign(new Error(message), {
    code: 'P3018',
    meta: { migration_name: migration, database_error_code: cause.code, database_error: cause.databaseError },
  });
}
