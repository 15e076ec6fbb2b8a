/**
 * Reaps what crashed or killed processes left behind: test databases, and
 * test schemas in the admin database, whose marker names a process of this
 * machine that no longer runs. Only what carries the harness's marker is
 * considered, so nothing else on a shared server is ever touched; what was
 * kept after a failed test (FIXTURES_KEEP_FAILED=1) is left for a person to drop.
 */
import { hostname } from 'node:os';
import createDebug from 'debug';
import type pg from 'pg';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import { isAbandonedBy } from './abandoned.ts';
import { type DatabaseMarker, parseDatabaseMarker } from './database-marker.ts';

const debug = createDebug('fixtures:reaper');

function abandoned(marker: DatabaseMarker | undefined, finishedPid: number | undefined): boolean {
  if ((marker?.kind !== 'clone' && marker?.kind !== 'schema') || marker.kept) return false;
  return isAbandonedBy(marker.host, marker.pid) || (marker.host === hostname() && marker.pid === finishedPid);
}

/**
 * Drops the abandoned test databases and schemas on the server of `adminUrl`;
 * returns their names. `finishedPid`: a live process whose clones are abandoned
 * too, because its run is over (Vitest's thread workers share the main process's pid).
 */
export async function reapAbandonedDatabases(adminUrl: URL, finishedPid?: number): Promise<string[]> {
  return withClient(adminUrl.toString(), async (client) => {
    const { rows } = await client.query<{ datname: string; comment: string | null }>(
      "SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'fixtures\\_db\\_%'",
    );
    const reaped: string[] = [];
    for (const { datname, comment } of rows) {
      if (!abandoned(parseDatabaseMarker(comment), finishedPid)) continue;
      if (await tryDrop(client, datname, `DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`))
        reaped.push(datname);
    }
    reaped.push(...(await reapAbandonedSchemas(client, finishedPid)));
    if (reaped.length > 0) debug('reaped %d abandoned databases and schemas: %s', reaped.length, reaped.join(', '));
    return reaped;
  });
}

/** On a shared server, another role's debris may not be ours to drop: that is no reason to stop a run. */
async function tryDrop(client: pg.Client, name: string, sql: string): Promise<boolean> {
  try {
    await client.query(sql);
    return true;
  } catch (error) {
    debug('could not reap %s: %s', name, (error as Error).message);
    return false;
  }
}

async function reapAbandonedSchemas(client: pg.Client, finishedPid: number | undefined): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string; comment: string | null }>(
    "SELECT nspname, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname LIKE 'fixtures\\_schema\\_%'",
  );
  const reaped: string[] = [];
  for (const { nspname, comment } of rows) {
    if (!abandoned(parseDatabaseMarker(comment), finishedPid)) continue;
    // A connection of the dead process's schema may still hold a lock DROP SCHEMA would wait for.
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [nspname],
    );
    if (await tryDrop(client, nspname, `DROP SCHEMA IF EXISTS ${quoteIdentifier(nspname)} CASCADE`))
      reaped.push(nspname);
  }
  return reaped;
}

/** The databases and schemas kept after failed tests on the server of `adminUrl`. */
export async function findKept(adminUrl: URL): Promise<string[]> {
  return withClient(adminUrl.toString(), async (client) => {
    const { rows } = await client.query<{ name: string; comment: string | null }>(
      `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'fixtures\\_db\\_%'
       UNION ALL
       SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname LIKE 'fixtures\\_schema\\_%'`,
    );
    return rows
      .filter(({ comment }) => {
        const marker = parseDatabaseMarker(comment);
        return (marker?.kind === 'clone' || marker?.kind === 'schema') && marker.kept === true;
      })
      .map(({ name }) => name);
  });
}
