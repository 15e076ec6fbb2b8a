/**
 * What the harness writes on every database and schema it creates (a comment
 * holding a small JSON object), so that it only ever drops or reuses its own,
 * and can tell a finished template from one a crash left half-built.
 */
import type pg from 'pg';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';

/** Who made a test database or schema: the reaper drops it once that process is gone, unless it was kept. */
interface Owned {
  readonly host: string;
  readonly pid: number;
  /** Kept after a failed test (FIXTURES_KEEP_FAILED=1): never reaped, removed by hand. */
  readonly kept?: true;
}

export type DatabaseMarker =
  | { readonly kind: 'template'; readonly complete: boolean }
  | ({ readonly kind: 'clone'; readonly template: string } & Owned)
  | ({ readonly kind: 'schema' } & Owned);

const PREFIX = 'ctoprojects-fixtures:';

function markerLiteral(marker: DatabaseMarker): string {
  return `'${`${PREFIX}${JSON.stringify(marker)}`.replaceAll("'", "''")}'`;
}

export async function writeDatabaseMarker(
  client: pg.ClientBase,
  database: string,
  marker: DatabaseMarker,
): Promise<void> {
  await client.query(`COMMENT ON DATABASE ${quoteIdentifier(database)} IS ${markerLiteral(marker)}`);
}

/** The same marker on a schema (`schema` isolation), in the database `client` is connected to. */
export async function writeSchemaMarker(client: pg.ClientBase, schema: string, marker: DatabaseMarker): Promise<void> {
  await client.query(`COMMENT ON SCHEMA ${quoteIdentifier(schema)} IS ${markerLiteral(marker)}`);
}

/** The marker on `database`, or `undefined` when it has none (or does not exist). */
export async function readDatabaseMarker(client: pg.ClientBase, database: string): Promise<DatabaseMarker | undefined> {
  const { rows } = await client.query<{ comment: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [database],
  );
  return parseDatabaseMarker(rows[0]?.comment);
}

/** The marker in a database or schema comment, or `undefined` for any other comment. */
export function parseDatabaseMarker(comment: string | null | undefined): DatabaseMarker | undefined {
  if (!comment?.startsWith(PREFIX)) return undefined;
  try {
    return JSON.parse(comment.slice(PREFIX.length)) as DatabaseMarker;
  } catch {
    return undefined;
  }
}
