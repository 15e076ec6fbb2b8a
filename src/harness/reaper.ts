/**
 * Reaps what crashed or killed processes left behind: test databases whose
 * marker names a process of this machine that no longer runs. Only databases
 * carrying the harness's marker are considered, so nothing else on a shared
 * server is ever touched.
 */
import { hostname } from 'node:os';
import createDebug from 'debug';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import { isAbandonedBy } from './abandoned.ts';
import { type DatabaseMarker, parseDatabaseMarker } from './database-marker.ts';

const debug = createDebug('fixtures:reaper');

function abandoned(marker: DatabaseMarker | undefined, finishedPid: number | undefined): boolean {
  if (marker?.kind !== 'clone') return false;
  return isAbandonedBy(marker.host, marker.pid) || (marker.host === hostname() && marker.pid === finishedPid);
}

/**
 * Drops the abandoned test databases on the server of `adminUrl`; returns their names.
 * `finishedPid`: a live process whose clones are abandoned too, because its run is over
 * (Vitest's thread workers share the main process's pid).
 */
export async function reapAbandonedDatabases(adminUrl: URL, finishedPid?: number): Promise<string[]> {
  return withClient(adminUrl.toString(), async (client) => {
    const { rows } = await client.query<{ datname: string; comment: string | null }>(
      "SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'fixtures\\_db\\_%'",
    );
    const reaped: string[] = [];
    for (const { datname, comment } of rows) {
      if (!abandoned(parseDatabaseMarker(comment), finishedPid)) continue;
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
      reaped.push(datname);
    }
    if (reaped.length > 0) debug('reaped %d abandoned databases: %s', reaped.length, reaped.join(', '));
    return reaped;
  });
}
