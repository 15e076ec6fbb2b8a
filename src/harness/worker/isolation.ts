/**
 * The two ways a test is isolated, behind one interface:
 * - `database` (default): a clone of the template (`clone-pool.ts`);
 * - `schema`: a fresh, migrated schema in the admin URL's database
 *   (`schema-pool.ts`), for servers that do not let the harness create databases.
 */

/**
 * The `application_name` of the harness's own connections to a database it
 * hands out (withDatabase's PrismaClient, the db fixture's): a release need
 * not wait for them to leave, as it must for a test's, nor report them.
 */
export const HARNESS_APPLICATION_NAME = 'ctoprojects-fixtures-harness';

/**
 * The URL of the harness's own client on `database`: its URL with
 * {@link HARNESS_APPLICATION_NAME}, so that its release knows this client for
 * its own. A schema's URL already carries the name its release looks for.
 * The URL a test sees stays untagged: a client it leaves open is reported.
 */
export function harnessClientUrl(database: IsolatedDatabase): string {
  if (database.isolation !== 'database') return database.url;
  const url = new URL(database.url);
  url.searchParams.set('application_name', HARNESS_APPLICATION_NAME);
  return url.toString();
}

/** How a test file (or a `withDatabase` call) is isolated from the others. */
export type Isolation = 'database' | 'schema';

export const ISOLATIONS: readonly Isolation[] = ['database', 'schema'];

/** A database, or a schema of one, handed out for one test file or call. */
export interface IsolatedDatabase {
  /** The database's name (`fixtures_db_…`) or the schema's (`fixtures_schema_…`). */
  readonly name: string;
  /** A `DATABASE_URL`-style URL (superuser, password included); `?schema=` selects the schema. */
  readonly url: string;
  readonly isolation: Isolation;
}

/** Hands out isolated databases and takes them back. */
export interface DatabasePool {
  acquire(): Promise<IsolatedDatabase>;
  /**
   * Drops what `acquire` handed out. Connections left open on it are closed
   * first, and then reported by a `LeftoverConnectionsError`: it is gone either way.
   */
  release(name: string): Promise<void>;
  /**
   * Like `release`, for a caller whose own connections carry
   * {@link HARNESS_APPLICATION_NAME} and are closed: when no other connection
   * is open on it, resolves at once and drops it in the background (`close`
   * waits for those drops); otherwise it goes the way of `release`, and its
   * `LeftoverConnectionsError`.
   */
  releaseSoon(name: string): Promise<void>;
  /** Keeps it after the run (its marker says `kept`): the reaper leaves it alone. */
  keep(name: string): Promise<void>;
  /** Drops what was prepared and not handed out. Safe to call twice. */
  close(): Promise<void>;
}
