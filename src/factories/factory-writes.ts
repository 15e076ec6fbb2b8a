/**
 * The writes behind a factory's `create*` and the baseline seed's upsert.
 * They work on a factory's state (its definition, binding and hooks), which
 * only this package's own modules hold, so they are no members of
 * ModelFactory: a user's factory, and its declared type, offer only what a
 * user calls.
 */
import type { DeepPartial } from 'fishery';
import { insertRows, ROWS_PER_STATEMENT, type UpsertCounts, upsertRows as upsertTableRows } from './bulk-insert.ts';
import { explainWriteError } from './errors.ts';
import { checkFieldTypes } from './field-types.ts';
import type { BuildOptions, CreateWith, FactoryClient, FactoryState } from './model-factory.ts';
import { timed } from './profile.ts';

/**
 * Inserts a row per element of `overridesList` on `client`, which is already
 * inside a transaction when it needs one: the missing parents first, then the
 * rows, then each trait's children, one multi-row INSERT per level.
 *
 * With `returning` false (parents, a trait's children) it hands back the rows
 * it built instead of reading them back: what those callers use (ids,
 * timestamps) is in both, and 10,000 chunks read back cost about a third of
 * their insert.
 */
export async function insertEach<Row extends { id: string }, Rec extends { id: string }, Transient>(
  state: FactoryState<Row, Rec, Transient>,
  client: FactoryClient,
  overridesList: readonly DeepPartial<Row>[],
  options?: BuildOptions<Transient>,
  returning = true,
): Promise<Rec[]> {
  const { definition, binding, afterInsert } = state;
  const withParents = overridesList.map((overrides) => ({ ...overrides }) as Record<string, unknown>);
  for (const { field, factory } of definition.parents) {
    const missing = withParents.filter((overrides) => overrides[field] === undefined);
    if (missing.length === 0) continue;
    const parents = await insertEach(
      binding.sibling(factory),
      client,
      missing.map(() => ({})),
      undefined,
      false,
    );
    missing.forEach((overrides, index) => {
      overrides[field] = parents[index]?.id;
    });
  }
  const rows = timed(state.name, 'build', withParents.length, () =>
    withParents.map((overrides) => state.fishery.build(overrides as DeepPartial<Row>, options)),
  );
  const records = await insertBuiltRows(state, client, rows, returning);
  const createWith: CreateWith = async (factory, overrides) => {
    // A trait's children carry what the trait was given (a status, a kind): checked as any override is.
    const sibling = binding.sibling(factory);
    for (const child of overrides) checkFieldTypes(sibling.name, sibling.definition.table, child);
    return insertEach(sibling, client, overrides, undefined, false);
  };
  for (const step of afterInsert) await step(records, createWith);
  return records;
}

/** What an upsert needs of a factory: any factory's state will do, whatever its row type. */
export interface UpsertTarget {
  readonly name: string;
  readonly definition: { readonly table: string; readonly fields: Readonly<Record<string, string>> };
  readonly binding: { readonly schema: string | undefined };
}

/**
 * Writes built `rows` so that afterwards each exists exactly as given:
 * inserted when missing, rewritten when different, untouched when equal (the
 * baseline seed's upsert).
 */
export async function upsertRows(
  state: UpsertTarget,
  client: FactoryClient,
  rows: readonly object[],
): Promise<UpsertCounts> {
  const { definition, binding } = state;
  const values = rows as readonly Record<string, unknown>[];
  try {
    return await timed(state.name, 'insert', rows.length, () =>
      upsertTableRows(client, binding.schema, definition.table, Object.keys(definition.fields), values),
    );
  } catch (error) {
    throw explainWriteError(error, state.name, definition.table, values);
  }
}

async function insertBuiltRows<Row, Rec>(
  state: FactoryState<Row, Rec, unknown>,
  client: FactoryClient,
  rows: readonly Row[],
  returning: boolean,
): Promise<Rec[]> {
  const { definition, binding } = state;
  const fields = Object.keys(definition.fields);
  const inserted: Rec[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const batch = rows.slice(start, start + ROWS_PER_STATEMENT) as readonly Record<string, unknown>[];
    try {
      const stored = await timed(state.name, 'insert', batch.length, () =>
        insertRows<Rec>(client, binding.schema, definition.table, fields, batch, returning),
      );
      inserted.push(...(returning ? stored : (batch as unknown as Rec[])));
    } catch (error) {
      throw explainWriteError(error, state.name, definition.table, batch);
    }
  }
  return inserted;
}
