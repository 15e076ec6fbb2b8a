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
import { snakeCase } from '../text/case.ts';
import type { FactoryClient } from './model-factory.ts';

/** Rows per statement: bounded so that one statement's arrays stay a few megabytes. */
export const ROWS_PER_STATEMENT = 5_000;

interface Column {
  /** The field it holds, by which a row names it (and RETURNING names it back). */
  readonly field: string;
  readonly name: string;
  /** `format_type()`'s spelling, e.g. `timestamp(3) with time zone` or `"user_role"`. */
  readonly type: string;
}

/** Column types by `schema.table`: they never change within a process (the harness migrates once per run). */
const columnsByTable = new Map<string, Promise<readonly Column[]>>();

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

/** `INSERT INTO table (…) SELECT … FROM unnest(…)`, with one text[] parameter per column. */
function insertFromArrays(schema: string | undefined, table: string, columns: readonly Column[]): string {
  const names = columns.map((_, index) => `c${index}`);
  return [
    `INSERT INTO ${qualified(schema, table)} (${columns.map((column) => quoteIdentifier(column.name)).join(', ')})`,
    `SELECT ${columns.map((column, index) => `${names[index]}::${column.type}`).join(', ')}`,
    `FROM unnest(${columns.map((_, index) => `$${index + 1}::text[]`).join(', ')}) AS v(${names.join(', ')})`,
  ].join('\n');
}

/**
 * One array per column, in the columns' order: read by each column's field,
 * so the values line up with the statement's column list whatever order the
 * caller's fields came in (the columns are cached per table).
 */
function columnArrays(columns: readonly Column[], rows: readonly object[]): (string | null)[][] {
  return columns.map((column) => rows.map((row) => asText(Reflect.get(row, column.field))));
}

/** Inserts `rows` (every field of each given) and returns them as stored, in the same order. */
export async function insertRows<Row extends object, Rec>(
  client: FactoryClient,
  schema: string | undefined,
  table: string,
  fields: readonly (keyof Row & string)[],
  rows: readonly Row[],
): Promise<Rec[]> {
  const columns = await columnsOf(client, schema, table, fields);
  const stored = columns.map((column) => `${quoteIdentifier(column.name)} AS ${quoteIdentifier(column.field)}`);
  const sql = `${insertFromArrays(schema, table, columns)}\nRETURNING ${stored.join(', ')}`;
  return client.$queryRawUnsafe<Rec[]>(sql, ...columnArrays(columns, rows));
}

/** Inserts `rows` and reads nothing back: for parents and a trait's children, whose callers need only what they built. */
export async function insertRowsUnread<Row extends object>(
  client: FactoryClient,
  schema: string | undefined,
  table: string,
  fields: readonly (keyof Row & string)[],
  rows: readonly Row[],
): Promise<void> {
  const columns = await columnsOf(client, schema, table, fields);
  await client.$executeRawUnsafe(insertFromArrays(schema, table, columns), ...columnArrays(columns, rows));
}

/** What an upsert did: rows it inserted, rows it brought back to the given values, rows already equal. */
export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Inserts the rows whose id is missing and rewrites those whose values
 * differ, in one statement; a row already equal is not touched at all (no
 * new row version), which is what makes a second seed run change nothing.
 */
export async function upsertRows<Row extends object>(
  client: FactoryClient,
  schema: string | undefined,
  table: string,
  fields: readonly (keyof Row & string)[],
  rows: readonly Row[],
): Promise<UpsertCounts> {
  const columns = await columnsOf(client, schema, table, fields);
  const target = qualified(schema, table);
  const names = columns.map((column) => quoteIdentifier(column.name));
  const sql = [
    insertFromArrays(schema, table, columns),
    `ON CONFLICT ("id") DO UPDATE SET ${names.map((name) => `${name} = EXCLUDED.${name}`).join(', ')}`,
    `WHERE (${names.map((name) => `${target}.${name}`).join(', ')}) IS DISTINCT FROM (${names.map((name) => `EXCLUDED.${name}`).join(', ')})`,
    // xmax is 0 on a row version an INSERT made, and set on one an UPDATE made.
    'RETURNING (xmax = 0) AS created',
  ].join('\n');
  const written = await client.$queryRawUnsafe<{ created: boolean }[]>(sql, ...columnArrays(columns, rows));
  const created = written.filter((row) => row.created).length;
  return { created, updated: written.length - created, unchanged: rows.length - written.length };
}
