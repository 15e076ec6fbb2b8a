/**
 * Multi-row INSERTs with one bind parameter per column, whatever the number of
 * rows: `INSERT … SELECT … FROM unnest($1::text[], $2::text[], …)`.
 *
 * We wrote this instead of calling Prisma's `createManyAndReturn` because of
 * what we measured here (Prisma 7.10, adapter-pg, 2 vCPUs): Prisma takes about
 * 170 µs a row (10,000 content chunks: ~1.8 s), and a statement is capped at
 * 32,767 parameters, one per value. One array per column makes the statement's
 * size independent of the row count and PostgreSQL does the rest (see
 * `npm run bench`). Rows come back through RETURNING, so what `create` returns
 * is what PostgreSQL stored, read by Prisma's own raw-query decoding.
 */
import { Prisma } from '../generated/prisma/client.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import type { FactoryClient } from './model-factory.ts';

/** Rows per statement: bounded so that one statement's arrays stay a few megabytes. */
export const ROWS_PER_STATEMENT = 5_000;

interface Column {
  readonly field: string;
  readonly name: string;
  /** `format_type()`'s spelling, e.g. `timestamp(3) with time zone` or `"user_role"`. */
  readonly type: string;
}

/** Column types by `schema.table`: they never change within a process (the harness migrates once per run). */
const columnsByTable = new Map<string, Promise<readonly Column[]>>();

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

function qualified(schema: string | undefined, table: string): string {
  return schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(table)}` : quoteIdentifier(table);
}

async function columnsOf(
  client: FactoryClient,
  schema: string | undefined,
  table: string,
  fields: readonly string[],
): Promise<readonly Column[]> {
  const key = `${schema ?? ''}.${table}`;
  let columns = columnsByTable.get(key);
  if (!columns) {
    columns = (async () => {
      const found = await client.$queryRawUnsafe<{ name: string; type: string }[]>(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
         WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
        qualified(schema, table),
      );
      const types = new Map(found.map((column) => [column.name, column.type]));
      return fields.map((field) => {
        const name = snakeCase(field);
        const type = types.get(name);
        if (!type) {
          throw new Error(
            `${qualified(schema, table)} has no column "${name}" for the field ${field}: run the migrations (npm run prisma:migrate:deploy) on this database.`,
          );
        }
        return { field, name, type };
      });
    })();
    columnsByTable.set(key, columns);
    columns.catch(() => columnsByTable.delete(key));
  }
  return columns;
}

/** A value as PostgreSQL's text input for its column, or null. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === Prisma.DbNull) return null;
  if (value instanceof Date) return value.toISOString();
  if (value === Prisma.JsonNull) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Inserts `rows` (every field of each given) and returns them as stored, in the same order. */
export async function insertRows<Rec>(
  client: FactoryClient,
  schema: string | undefined,
  table: string,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<Rec[]> {
  const columns = await columnsOf(client, schema, table, fields);
  const sql = [
    `INSERT INTO ${qualified(schema, table)} (${columns.map((column) => quoteIdentifier(column.name)).join(', ')})`,
    `SELECT ${columns.map((column, index) => `c${index}::${column.type}`).join(', ')}`,
    `FROM unnest(${columns.map((_, index) => `$${index + 1}::text[]`).join(', ')}) AS v(${columns.map((_, index) => `c${index}`).join(', ')})`,
    `RETURNING ${columns.map((column) => `${quoteIdentifier(column.name)} AS ${quoteIdentifier(column.field)}`).join(', ')}`,
  ].join('\n');
  const arrays = columns.map((column) => rows.map((row) => asText(row[column.field])));
  return client.$queryRawUnsafe<Rec[]>(sql, ...arrays);
}
