/**
 * Reaps what crashed or killed processes left behind: test databases whose
 * marker names a process of this machine that no longer runs. Only databases
 * carrying the harness's marker are considered, so nothing else on a shared
 * server is ever touched.
 */
import createDebug from 'debug';
import pg from 'pg';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { isAbandonedBy } from './abandoned.ts';
import { type DatabaseMarker, parseDatabaseMarker } from './database-marker.ts';

const debug = createDebug('fixtures:reaper');

function abandoned(marker: DatabaseMarker | undefined): boolean {
  return marker?.kind === 'clone' && isAbandonedBy(marker.host, marker.pid);
}

/** Drops the abandoned test databases on the server of `adminUrl`; returns their names. */
export async function reapAbandonedDatabases(adminUrl: URL): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string; comment: string | null }>(
      "SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'fixtures\\_db\\_%'",
    );
    const reaped: string[] = [];
    for (const { datname, comment } of rows) {
      if (!abandoned(parseDatabaseMarker(comment))) continue;
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
      reaped.push(datname);
    }
    if (reaped.length > 0) debug('reaped %d abandoned databases: %s', reaped.length, reaped.join(', '));
    return reaped;
  } finally {
    await client.end();
  }
}
