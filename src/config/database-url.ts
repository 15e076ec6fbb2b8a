/**
 * Reading and checking the three connection strings of the data layer.
 *
 * `DATABASE_URL`        the application's connection, possibly through PgBouncer.
 * `DIRECT_DATABASE_URL` straight to PostgreSQL: migrations, Studio, admin work.
 * `SHADOW_DATABASE_URL` the throwaway database Prisma Migrate diffs against.
 *
 * Every error names the variable, shows the value with its password replaced by
 * `***` (redact.ts, re-exported here), and says what to do next.
 */

import { redactPasswords } from './redact.ts';

export { redactPasswords } from './redact.ts';

export type DatabaseUrlVariable = 'DATABASE_URL' | 'DIRECT_DATABASE_URL' | 'SHADOW_DATABASE_URL' | (string & {});

type Env = Readonly<Record<string, string | undefined>>;

const EXAMPLE_URL = 'postgresql://postgres:postgres@localhost:5432/ctoprojects';

/**
 * A setting that will not do: a missing or malformed variable, a file that is
 * not there. Its message is one line, names the setting, says what to do and
 * holds no password; entry points print it without a stack.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
  /** The setting at fault: an environment variable (`DATABASE_URL`), or for an `OptionError` the option (`isolation`). */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

/** A missing or malformed connection string. */
export class DatabaseUrlError extends ConfigurationError {
  override name = 'DatabaseUrlError';
}

/**
 * `new URL(text)`, or `undefined` when `text` is not a URL. Node's own error
 * for a malformed URL carries the text in its `input` property, which
 * `util.inspect` prints, password and all: so no caller lets it escape.
 */
export function tryParseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses a PostgreSQL connection string from `variable`, or throws a
 * {@link DatabaseUrlError} that says what is wrong with it.
 *
 * @example
 * const url = parseDatabaseUrl('DATABASE_URL', process.env.DATABASE_URL);
 * url.pathname; // '/ctoprojects'
 */
export function parseDatabaseUrl(variable: string, value: string | undefined): URL {
  if (value === undefined || value.trim() === '') {
    throw new DatabaseUrlError(
      variable,
      `${variable} is not set: export it or add it to .env (copy .env.example), e.g. ${variable}="${EXAMPLE_URL}".`,
    );
  }
  const shown = redactPasswords(value.trim());
  const url = tryParseUrl(value.trim());
  if (url === undefined) {
    throw new DatabaseUrlError(
      variable,
      `${variable} is not a valid URL ("${shown}"): use the form ${EXAMPLE_URL} and percent-encode special characters in the password.`,
    );
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new DatabaseUrlError(
      variable,
      `${variable} must start with postgresql:// (found "${url.protocol}//" in "${shown}"): this data layer only speaks PostgreSQL.`,
    );
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new DatabaseUrlError(variable, `${variable} names no host ("${shown}"): use the form ${EXAMPLE_URL}.`);
  }
  if (url.pathname === '' || url.pathname === '/') {
    throw new DatabaseUrlError(
      variable,
      `${variable} names no database ("${shown}"): add it after the host, e.g. ${EXAMPLE_URL}.`,
    );
  }
  for (const flag of ['connection_limit', 'pool_timeout'] as const) {
    const raw = url.searchParams.get(flag);
    if (raw !== null && !/^\d+$/.test(raw)) {
      throw new DatabaseUrlError(
        variable,
        `${variable} has ${flag}=${raw} ("${shown}"): ${flag} must be a whole number (connections, or seconds for pool_timeout).`,
      );
    }
  }
  return url;
}

/** Query parameters that mean something to Prisma but nothing to `pg`. */
const PRISMA_PARAMETERS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'socket_timeout',
  'statement_cache_size',
];

/** A copy of `url` without Prisma's own query parameters, for handing to `pg`. */
export function withoutPrismaParameters(url: URL): URL {
  const plain = new URL(url);
  for (const parameter of PRISMA_PARAMETERS) plain.searchParams.delete(parameter);
  return plain;
}

/** Reads `variable` from `env` if it is set, checking it; `undefined` when it is not set. */
export function optionalDatabaseUrl(env: Env, variable: DatabaseUrlVariable): URL | undefined {
  const value = env[variable];
  return value === undefined || value.trim() === '' ? undefined : parseDatabaseUrl(variable, value);
}

/** Where Prisma Migrate and Studio connect: `DIRECT_DATABASE_URL` when set, else `DATABASE_URL`. */
export function migrationDatabaseUrl(env: Env): { variable: DatabaseUrlVariable; url: URL } | undefined {
  const direct = optionalDatabaseUrl(env, 'DIRECT_DATABASE_URL');
  if (direct) return { variable: 'DIRECT_DATABASE_URL', url: direct };
  const primary = optionalDatabaseUrl(env, 'DATABASE_URL');
  return primary ? { variable: 'DATABASE_URL', url: primary } : undefined;
}

/** Like {@link migrationDatabaseUrl}, but a missing URL is an error that names `command`. */
export function requireMigrationDatabaseUrl(env: Env, command: string): { variable: DatabaseUrlVariable; url: URL } {
  const target = migrationDatabaseUrl(env);
  if (target) return target;
  throw new DatabaseUrlError(
    'DATABASE_URL',
    `${command} needs a database, but neither DIRECT_DATABASE_URL nor DATABASE_URL is set: export one or add it to .env (cp .env.example .env).`,
  );
}

/** `url` pointed at the database `name` on the same server, with the same credentials and parameters. */
export function onDatabase(url: URL | string, name: string): URL {
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other;
}

/** The name of the database a URL points at, e.g. `ctoprojects`. */
export function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.slice(1));
}

/** The PostgreSQL schema a URL selects with `?schema=`, `public` by default. */
export function schemaName(url: URL): string {
  return url.searchParams.get('schema') ?? 'public';
}
