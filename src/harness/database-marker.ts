/**
 * What the harness writes on every database it creates (a comment holding a
 * small JSON object), so that it only ever drops or reuses its own, and can
 * tell a finished template from one a crash left half-built.
 */
import type pg from 'pg';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export type DatabaseMarker =
  | { readonly kind: 'template'; readonly complete: boolean }
  | { readonly kind: 'clone'; readonly template: string; readonly host: string; readonly pid: number };

const PREFIX = 'ctoprojects-fixtures:';

export async function writeDatabaseMarker(
  client: pg.ClientBase,
  database: string,
  marker: DatabaseMarker,
): Promise<void> {
  const text = `${PREFIX}${JSON.stringify(marker)}`;
  await client.query(`COMMENT ON DATABASE ${quoteIdentifier(database)} IS '${text.replaceAll("'", "''")}'`);
}

/** The marker on `database`, or `undefined` when it has none (or does not exist). */
export async function readDatabaseMarker(client: pg.ClientBase, database: string): Promise<DatabaseMarker | undefined> {
  const { rows } = await client.query<{ comment: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [database],
  );
  return parseDatabaseMarker(rows[0]?.comment);
}

/** The marker in a database comment, or `undefined` for any other comment. */
export function parseDatabaseMarker(comment: string | null | undefined): DatabaseMarker | undefined {
  if (!comment?.startsWith(PREFIX)) return undefined;
  try {
    return JSON.parse(comment.slice(PREFIX.length)) as DatabaseMarker;
  } catch {
    return undefined;
  }
}
