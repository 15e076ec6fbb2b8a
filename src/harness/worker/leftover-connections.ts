/**
 * Connections a test left open on its database when the harness releases it:
 * a `pg.Client` or a second PrismaClient on `ctx.url` that nobody closed.
 * They would block `DROP DATABASE` (or wait on locks in `DROP SCHEMA`) and, in
 * a long suite, use up the server's connections far from their cause. The
 * harness closes them so that nothing is left behind, then says which they were.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { redactPasswords } from '../../config/database-url.ts';
import type { Isolation } from './isolation.ts';

/** A connection left open, as `pg_stat_activity` showed it. */
export interface LeftoverConnection {
  readonly pid: number;
  readonly applicationName: string;
  readonly state: string;
  /** Its last statement, shortened, with passwords redacted. */
  readonly lastQuery: string;
}

/** What to look for: every connection to a database, or those a schema's URL opened (its application_name). */
export type ConnectionsOf = { readonly database: string } | { readonly applicationName: string };

/** Where leftover connections were open: a database, or a schema of one. */
export interface LeftoverPlace {
  /** The database's name: the clone's own, or the one the schema is in. */
  readonly database: string;
  /** The schema's name, in `schema` isolation. */
  readonly schema?: string | undefined;
}

/** A test left connections open on its database; the harness closed them and dropped the database anyway. */
export class LeftoverConnectionsError extends Error {
  override name = 'LeftoverConnectionsError';
  /** How the test was isolated: its own database, or its own schema of {@link database}. */
  readonly isolation: Isolation;
  /** The database they were open on (in `schema` isolation, the one the schema is in). */
  readonly database: string;
  /** The schema they were open on, in `schema` isolation. */
  readonly schema: string | undefined;
  /** What each connection was, as `pg_stat_activity` showed it before it was closed. */
  readonly connections: readonly LeftoverConnection[];

  constructor(place: LeftoverPlace & { readonly isolation: Isolation }, connections: readonly LeftoverConnection[]) {
    const list = connections
      .map((c) => `  - pid ${c.pid}, application_name "${c.applicationName}", ${c.state}, last query: ${c.lastQuery}`)
      .join('\n');
    const where = place.schema === undefined ? place.database : `the schema ${place.schema}`;
    super(
      `${connections.length} connection${connections.length === 1 ? ' was' : 's were'} still open on ${where} when the test released it; ` +
        `the harness closed ${connections.length === 1 ? 'it' : 'them'} and dropped ${where}:\n${list}\n` +
        'Disconnect every client you create on ctx.url (await client.end(), await prisma.$disconnect()) before the test ends.',
    );
    this.isolation = place.isolation;
    this.database = place.database;
    this.schema = place.schema;
    this.connections = connections;
  }
}

const OPEN_CONNECTIONS = `
  SELECT pid, coalesce(application_name, '') AS "applicationName", coalesce(state, 'unknown') AS state,
         regexp_replace(coalesce(query, ''), '\\s+', ' ', 'g') AS "lastQuery"
  FROM pg_stat_activity
  WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`;

/** Longer statements are cut here: the list names each connection, it is not a query log. */
const SHOWN_QUERY_LENGTH = 160;

/**
 * A statement as the error shows it: redacted whole first, then shortened, so
 * that a cut never splits a password from what marks it as one. The server
 * itself keeps only the first track_activity_query_size bytes of a statement,
 * so the text may end in the middle of a password.
 */
function shownQuery(query: string): string {
  const redacted = redactPasswords(query, { truncated: true });
  const shown = redacted.length > SHOWN_QUERY_LENGTH ? `${redacted.slice(0, SHOWN_QUERY_LENGTH)}…` : redacted;
  return shown || '(none)';
}

async function openConnections(admin: pg.ClientBase, of: ConnectionsOf): Promise<LeftoverConnection[]> {
  const { rows } =
    'database' in of
      ? await admin.query<LeftoverConnection>(`${OPEN_CONNECTIONS} AND datname = $1 ORDER BY pid`, [of.database])
      : await admin.query<LeftoverConnection>(`${OPEN_CONNECTIONS} AND application_name = $1 ORDER BY pid`, [
          of.applicationName,
        ]);
  return rows.map((row) => ({ ...row, lastQuery: shownQuery(row.lastQuery) }));
}

/**
 * Whether a connection other than the harness's own (`application_name`
 * `ours`) is open on `database`: one round trip, no waiting. The harness's
 * own may linger a moment after they closed; they do not count.
 */
export async function othersOpen(admin: pg.Pool | pg.ClientBase, database: string, ours: string): Promise<boolean> {
  const { rows } = await admin.query(
    `SELECT 1 FROM pg_stat_activity
     WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND datname = $1
       AND application_name IS DISTINCT FROM $2 LIMIT 1`,
    [database, ours],
  );
  return rows.length > 0;
}

/**
 * Closes the connections still open on a database (or schema) about to be
 * dropped, and returns them. A client that has just disconnected may still
 * show for a moment while its backend exits, so only those still there after
 * a short wait count.
 */
export async function closeLeftoverConnections(admin: pg.ClientBase, of: ConnectionsOf): Promise<LeftoverConnection[]> {
  let open = await openConnections(admin, of);
  for (let waited = 0; open.length > 0 && waited < 250; waited += 25) {
    await sleep(25);
    open = await openConnections(admin, of);
  }
  if (open.length > 0) {
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [open.map((c) => c.pid)]);
  }
  return open;
}
