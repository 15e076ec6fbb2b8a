/**
 * FactoryError: a factory was given something it cannot build or the database
 * refused what it built. The message names the factory, the field and the
 * value, and says what to change; the write it came from was rolled back.
 */

import { redactPasswords } from '../config/database-url.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { camelCase } from '../text/case.ts';

/** A factory was given a field or value it cannot build, or the database refused its rows (rolled back). */
export class FactoryError extends Error {
  override readonly name = 'FactoryError';
  /** The factory that raised it: `learner`, `learningSession`, … */
  readonly factory: string;

  constructor(factory: string, message: string, options?: ErrorOptions) {
    super(`${factory} factory: ${message}`, options);
    this.factory = factory;
  }
}

interface AdapterCause {
  readonly originalCode?: string;
  readonly originalMessage?: string;
  readonly constraint?: { readonly fields?: readonly string[]; readonly index?: string };
}

/** What a write error needs of a model's definition: its table, and its unique keys to name a duplicate by. */
export interface WrittenModel {
  readonly table: string;
  readonly uniques: readonly { readonly fields: readonly string[]; readonly constraints: readonly string[] }[];
}

/** A row's value of `field`; rows reach here as built, any model's. */
const fieldValue = (row: object, field: string): unknown => Reflect.get(row, field);

/** The values of `fields` in the first row of `rows` that shares them with another row, or undefined. */
function duplicateWithin(rows: readonly object[], fields: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = JSON.stringify(fields.map((field) => String(fieldValue(row, field)).toLowerCase()));
    if (seen.has(key)) return describeValues(row, fields);
    seen.add(key);
  }
  return undefined;
}

function describeValues(row: object, fields: readonly string[]): string {
  return fields.map((field) => `${field} ${JSON.stringify(fieldValue(row, field))}`).join(', ');
}

/**
 * Turns the database's refusal of `rows` into a FactoryError that says which
 * field and value, and what to do. Errors it does not recognise pass through.
 */
export function explainWriteError(
  error: unknown,
  factory: string,
  model: WrittenModel,
  rows: readonly object[],
): unknown {
  const { table } = model;
  if (error instanceof FactoryError) return error;
  if (error instanceof Prisma.PrismaClientValidationError) {
    const unknownField = /Unknown argument `([^`]+)`/.exec(error.message)?.[1];
    const detail = unknownField ? `"${unknownField}" is not a field of ${table}` : lastLine(error.message);
    return new FactoryError(factory, `${detail}: check the override's field names and types.`, { cause: error });
  }
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return error;
  const cause = (error.meta?.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause;
  const message = cause?.originalMessage ?? error.message;
  const constraint = /constraint "([^"]+)"/.exec(message)?.[1];
  if (cause?.originalCode === '23505' || error.code === 'P2002') {
    const fields =
      model.uniques.find((unique) => constraint !== undefined && unique.constraints.includes(constraint))?.fields ??
      cause?.constraint?.fields?.map((field) => camelCase(field.replace(/"/g, ''))) ??
      uniqueFieldsFromName(constraint, table);
    const duplicate = fields.length > 0 ? duplicateWithin(rows, fields) : undefined;
    const values = duplicate ?? (rows.length === 1 && rows[0] ? describeValues(rows[0], fields) : fields.join(', '));
    return new FactoryError(
      factory,
      `${values} is already taken in ${table} (unique constraint ${constraint ?? '?'}): leave ${fields.join(' and ') || 'the field'} out to get a unique value, or pass a different one. Nothing was written.`,
      { cause: error },
    );
  }
  if (cause?.originalCode === '23503' || error.code === 'P2003') {
    const column = constraint?.startsWith(`${table}_`) ? constraint.slice(table.length + 1).replace(/_fkey$/, '') : '';
    const field = camelCase(column);
    const value = field && rows.length === 1 && rows[0] ? ` ${JSON.stringify(fieldValue(rows[0], field))}` : '';
    return new FactoryError(
      factory,
      `${field || 'a relation id'}${value} does not exist (foreign key ${constraint ?? '?'}): create that row first and pass its id, or leave ${field || 'the field'} out and the factory creates one. Nothing was written.`,
      { cause: error },
    );
  }
  if (cause?.originalCode === '23514' || error.code === 'P2039') {
    const field = checkedField(constraint, table, rows);
    const values = field ? `${describeField(rows, field)} breaks` : 'the row breaks';
    const next = field
      ? `pass a ${field} the constraint allows, or leave ${field} out`
      : 'change the overridden values';
    return new FactoryError(
      factory,
      `${values} CHECK constraint ${constraint ?? '?'} of ${table} (see docs/database/schema.md): ${next}. Nothing was written.`,
      { cause: error },
    );
  }
  if (cause?.originalCode === '23502' || error.code === 'P2011') {
    const column = /column "([^"]+)"/.exec(message)?.[1];
    const field = column ? camelCase(column) : undefined;
    return new FactoryError(
      factory,
      `${field ?? 'a field'} is null, but ${table}.${column ?? '?'} may not be null: pass a value, or leave ${field ?? 'it'} out to get a generated one. Nothing was written.`,
      { cause: error },
    );
  }
  return new FactoryError(factory, `${table} refused the row: ${redactPasswords(message)}. Nothing was written.`, {
    cause: error,
  });
}

/**
 * The field a CHECK constraint named `<table>_<column>_check` (PostgreSQL's
 * own naming, and the migrations') is about, if the rows have it:
 * `user_feedback_rating_check` → rating. A constraint over several columns
 * (`study_materials_url_source_check`) names no single field.
 */
function checkedField(constraint: string | undefined, table: string, rows: readonly object[]) {
  if (!constraint?.startsWith(`${table}_`) || !constraint.endsWith('_check')) return undefined;
  const field = camelCase(constraint.slice(table.length + 1, -'_check'.length));
  return rows.some((row) => field in row) ? field : undefined;
}

/** `rating 9`, or for several rows the values they hold: `rating 9 (in one of 3 rows: 1, 9, 4)`. */
function describeField(rows: readonly object[], field: string): string {
  const values = [...new Set(rows.map((row) => JSON.stringify(fieldValue(row, field))))];
  if (values.length === 1) return `${field} ${values[0]}`;
  const shown = values.length > 5 ? `${values.slice(0, 5).join(', ')}, …` : values.join(', ');
  return `${field} (one of the ${rows.length} rows' values: ${shown})`;
}

/**
 * The fields of a constraint the definition does not list, by its name:
 * `users_pkey` → id, `<table>_<column>_key` (Prisma's naming) → that column's field.
 */
function uniqueFieldsFromName(constraint: string | undefined, table: string): readonly string[] {
  if (!constraint?.startsWith(`${table}_`)) return [];
  if (constraint === `${table}_pkey`) return ['id'];
  return [camelCase(constraint.slice(table.length + 1).replace(/_key$/, ''))];
}

function lastLine(message: string): string {
  const lines = message.trim().split('\n');
  return (lines.at(-1) ?? message).trim();
}
