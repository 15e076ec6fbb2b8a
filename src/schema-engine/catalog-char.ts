/**
 * Mends one gap of `@prisma/adapter-pg` for schema work: PostgreSQL's internal
 * one-byte `"char"` type (OID 18), which `pg_catalog` uses everywhere.
 */
import { ColumnTypeEnum, type SqlResultSet } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** PostgreSQL's one-byte internal `"char"` type. */
const PG_INTERNAL_CHAR_OID = 18;
/** `bpchar`, which adapter-pg accepts (as text). */
const PG_BPCHAR_OID = 1042;

/**
 * adapter-pg maps no column type for OID 18, so every query the engine runs
 * to describe a live database (`pg_class.relkind`, `pg_constraint.contype`…)
 * fails with "Column type 'char' could not be deserialized", and the engine
 * wants those columns typed as characters. The client relabels such columns
 * as `bpchar` so that adapter-pg accepts them, and remembers which they were,
 * keyed by the rows array it hands on, so the adapter can type them as
 * `Character` afterwards (a WeakMap: concurrent queries cannot mix up).
 */
const internalCharColumns = new WeakMap<object, number[]>();

function relabelInternalChar<T>(result: T): T {
  const { fields, rows } = (result ?? {}) as { fields?: { dataTypeID: number }[]; rows?: object };
  if (!fields || !rows) return result;
  const charColumns: number[] = [];
  fields.forEach((field, index) => {
    if (field.dataTypeID === PG_INTERNAL_CHAR_OID) {
      field.dataTypeID = PG_BPCHAR_OID;
      charColumns.push(index);
    }
  });
  if (charColumns.length > 0) internalCharColumns.set(rows, charColumns);
  return result;
}

export function typeInternalCharColumns(resultSet: SqlResultSet): SqlResultSet {
  for (const index of internalCharColumns.get(resultSet.rows) ?? []) {
    resultSet.columnTypes[index] = ColumnTypeEnum.Character;
  }
  return resultSet;
}

/** A `pg.Client` whose results adapter-pg can read even when they hold `"char"` columns. */
export class CatalogAwareClient extends pg.Client {
  // pg.Client#query has a dozen overloads; we only wrap the result, whatever its shape.
  override query(...args: unknown[]): never {
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (error: Error | null, result?: unknown) => void;
      args[callbackAt] = (error: Error | null, result?: unknown) =>
        callback(error, error ? result : relabelInternalChar(result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return (returned instanceof Promise ? returned.then(relabelInternalChar) : returned) as never;
  }
}
