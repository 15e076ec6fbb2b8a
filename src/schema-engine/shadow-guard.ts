/**
 * The one rule about SHADOW_DATABASE_URL that protects data: Prisma Migrate
 * wipes the shadow database, so it must not be the main one. Spelled alike,
 * it is refused at once; spelled differently, the servers are asked whether
 * the two URLs reach one database (sql/same-database.ts), since no reading
 * of the text can tell `localhost` from `127.0.0.1`, a socket, a forwarded
 * port or another role on the same database.
 *
 * Both the offline engine (before it wipes the shadow) and the command (before
 * Prisma starts, so a native engine is covered too) apply it. Small on purpose:
 * the command loads it without the engine.
 */

import pg from 'pg';
import { connectionHosts } from '../config/connection-hosts.ts';
import { ConfigurationError, databaseName, redactPasswords, withoutPrismaParameters } from '../config/database-url.ts';
import { sharedDatabase } from '../sql/same-database.ts';
import createDebug from '../text/debug.ts';

const debug = createDebug('fixtures:engine:shadow');

/** How long to wait for either server before giving up the comparison (and leaving it to the connection itself). */
const CONNECT_TIMEOUT_MS = 10_000;

/** The main database, and what to call it in messages: `DATABASE_URL`, or `the main URL` in the engine. */
export interface MainDatabase {
  readonly label: string;
  readonly url: URL;
}

/** SHADOW_DATABASE_URL reaches the main database: Prisma Migrate would wipe it. */
export class ShadowIsMainDatabaseError extends ConfigurationError {
  override name = 'ShadowIsMainDatabaseError';

  constructor(main: MainDatabase, shadowUrl: URL, database: string) {
    super(
      'SHADOW_DATABASE_URL',
      `SHADOW_DATABASE_URL reaches the same database as ${main.label} ("${database}" on one server: ` +
        `SHADOW_DATABASE_URL is ${redactPasswords(shadowUrl.toString())}, ${main.label} is ${redactPasswords(main.url.toString())}). ` +
        'Prisma Migrate wipes its shadow database, so nothing was run on it: give the shadow a database of its own ' +
        `(CREATE DATABASE "${database}_shadow", then point SHADOW_DATABASE_URL at it), ` +
        'or unset SHADOW_DATABASE_URL and Prisma creates a temporary one.',
    );
  }
}

/** Where `pg` connects for `url`: its first host, port and database. */
function spelling(url: URL): string {
  const port = url.searchParams.get('port') || url.port || '5432';
  return `${connectionHosts(url)[0]?.host}:${port}/${databaseName(url)}`;
}

async function connectOrUndefined(url: URL): Promise<pg.Client | undefined> {
  const client = new pg.Client({
    connectionString: withoutPrismaParameters(url).toString(),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  client.on('error', () => {}); // a server going away under the check fails its query, which is enough
  try {
    await client.connect();
    return client;
  } catch (error) {
    debug('cannot reach %s to compare it: %s', url.toString(), (error as Error).message);
    await client.end().catch(() => {});
    return undefined;
  }
}

/**
 * Throws a {@link ShadowIsMainDatabaseError} when `shadowUrl` reaches the
 * database of `main`, before anything touches either. When either server
 * cannot be reached, there is nothing to compare and nothing it could wipe
 * through that URL: the caller's own connection then reports it.
 */
export async function refuseMainDatabaseAsShadow(main: MainDatabase, shadowUrl: URL): Promise<void> {
  if (spelling(main.url) === spelling(shadowUrl)) {
    throw new ShadowIsMainDatabaseError(main, shadowUrl, databaseName(shadowUrl));
  }
  const started = performance.now();
  const [shadow, mainClient] = await Promise.all([connectOrUndefined(shadowUrl), connectOrUndefined(main.url)]);
  try {
    if (!shadow || !mainClient) return;
    const shared = await sharedDatabase(shadow, mainClient);
    debug(
      'compared the shadow with %s in %d ms: %s',
      main.label,
      Math.round(performance.now() - started),
      shared ?? 'different',
    );
    if (shared !== undefined) throw new ShadowIsMainDatabaseError(main, shadowUrl, shared);
  } finally {
    await Promise.allSettled([shadow?.end(), mainClient?.end()]);
  }
}
