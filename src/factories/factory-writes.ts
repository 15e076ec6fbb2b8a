/**
 * The writes behind a factory's `create*` and the baseline seed's upsert.
 * They work on a factory's state (its definition, binding and hooks), which
 * only this package's own modules hold, so they are no members of
 * ModelFactory: a user's factory, and its declared type, offer only what a
 * user calls.
 */
import type { DeepPartial } from 'fishery';
import {
  insertRows,
  insertRowsUnread,
  ROWS_PER_STATEMENT,
  type UpsertCounts,
  upsertRows as upsertTableRows,
} from './bulk-insert.ts';
import { explainWriteError } from './errors.ts';
import { checkFieldTypes } from './field-types.ts';
import type { ModelDefinition } from './model-definition.ts';
import type {
  BuildOptions,
  CreateWith,
  FactoryBinding,
  FactoryClient,
  FactoryState,
  ModelState,
} from './model-factory.ts';
import { timed } from './profile.ts';
import type { FactoryName, RowOf } from './registry.ts';

/** Whether `overrides` leaves `field` to the factory: absent, or given as undefined. */
export function isMissing(overrides: unknown, field: string): boolean {
  return typeof overrides !== 'object' || overrides === null || Reflect.get(overrides, field) === undefined;
}

/**
 * Inserts a row per element of `overridesList` on `client`, which is already
 * inside a transaction when it needs one: the missing parents first, then the
 * rows, then each trait's children, one multi-row INSERT per level. Returns
 * the records as PostgreSQL stored them.
 */
export async function insertEach<Row extends { id: string }, Rec extends { id: string }, Transient>(
  state: FactoryState<Row, Rec, Transient>,
  client: FactoryClient,
  overridesList: readonly DeepPartial<Row>[],
  options?: BuildOptions<Transient>,
): Promise<Rec[]> {
  const rows = await buildWithParents(state, client, overridesList, options);
  const records: Rec[] = [];
  for (const batch of batches(rows)) {
    records.push(
      ...(await write(state, batch, () =>
        insertRows<Row, Rec>(client, state.binding.schema, state.definition.table, fieldsOf(state.definition), batch),
      )),
    );
  }
  const createWith: CreateWith = (factory, overrides) => createChildren(state.binding, client, factory, overrides);
  for (const step of state.afterInsert) await step(records, createWith);
  return records;
}

/**
 * Parents and a trait's children: built, inserted, and handed back as built
 * instead of read back. What their callers use (ids, timestamps) is in both,
 * and 10,000 chunks read back cost about a third of their insert. A set's
 * state of a factory has no traits' steps, so there is nothing to run after.
 */
async function insertUnread<Row extends { id: string }, Rec, Transient>(
  state: ModelState<Row, Rec, Transient>,
  client: FactoryClient,
  overridesList: readonly (DeepPartial<Row> | undefined)[],
): Promise<Row[]> {
  const rows = await buildWithParents(state, client, overridesList, undefined);
  for (const batch of batches(rows)) {
    await write(state, batch, () =>
      insertRowsUnread(client, state.binding.schema, state.definition.table, fieldsOf(state.definition), batch),
    );
  }
  return rows;
}

/** A trait's children, made by the set's factory `name`: checked as any override is, then inserted unread. */
function createChildren<Name extends FactoryName>(
  binding: FactoryBinding,
  client: FactoryClient,
  name: Name,
  overridesList: readonly DeepPartial<RowOf<Name>>[],
): Promise<RowOf<Name>[]> {
  const sibling = binding.sibling(name);
  for (const child of overridesList) checkFieldTypes(sibling.name, sibling.definition.table, child);
  return insertUnread(sibling, client, overridesList);
}

/** `count` new parents of the set's factory `name`, all defaults; their ids, in order. */
async function createParents<Name extends FactoryName>(
  binding: FactoryBinding,
  client: FactoryClient,
  name: Name,
  count: number,
): Promise<string[]> {
  const parents = await insertUnread(
    binding.sibling(name),
    client,
    Array.from({ length: count }, () => undefined),
  );
  return parents.map((parent) => parent.id);
}

/** Creates the parents that `overridesList` leaves out, a statement per parent field, then builds the rows. */
async function buildWithParents<Row extends object, Rec, Transient>(
  state: ModelState<Row, Rec, Transient>,
  client: FactoryClient,
  overridesList: readonly (DeepPartial<Row> | undefined)[],
  options: BuildOptions<Transient> | undefined,
): Promise<Row[]> {
  let withParents = overridesList;
  for (const { field, factory } of state.definition.parents) {
    const missing = withParents.filter((overrides) => isMissing(overrides, field)).length;
    if (missing === 0) continue;
    const ids = (await createParents(state.binding, client, factory, missing)).values();
    withParents = withParents.map((overrides) =>
      // Object.assign, not a spread: the overrides' type is fishery's DeepPartial of a row type yet unknown here.
      isMissing(overrides, field) ? Object.assign({}, overrides, { [field]: ids.next().value }) : overrides,
    );
  }
  return timed(state.name, 'build', withParents.length, () =>
    withParents.map((overrides) => state.fishery.build(overrides, options)),
  );
}

/** A definition's fields, as the columns of its INSERTs. */
function fieldsOf<Row>(definition: Pick<ModelDefinition<Row, unknown, unknown>, 'fields'>): (keyof Row & string)[] {
  return Object.keys(definition.fields).filter((field): field is keyof Row & string => field in definition.fields);
}

/** `rows` in slices of one statement each. */
function* batches<Row>(rows: readonly Row[]): Generator<readonly Row[]> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    yield rows.slice(start, start + ROWS_PER_STATEMENT);
  }
}

/** Runs one statement of `state`'s rows, timed, its refusal explained by the rows it wrote. */
async function write<Row extends object, Rec, Transient, Result>(
  state: ModelState<Row, Rec, Transient>,
  rows: readonly Row[],
  statement: () => Promise<Result>,
): Promise<Result> {
  try {
    return await timed(state.name, 'insert', rows.length, statement);
  } catch (error) {
    throw explainWriteError(error, state.name, state.definition, rows);
  }
}

/** What an upsert needs of a factory: any factory's state will do, whatever its row type. */
export interface UpsertTarget<Row> {
  readonly name: string;
  readonly definition: Pick<ModelDefinition<Row, unknown, unknown>, 'table' | 'fields' | 'uniques'>;
  readonly binding: { readonly schema: string | undefined };
}

/**
 * Writes built `rows` so that afterwards each exists exactly as given:
 * inserted when missing, rewritten when different, untouched when equal (the
 * baseline seed's upsert).
 */
export async function upsertRows<Row extends object>(
  state: UpsertTarget<Row>,
  client: FactoryClient,
  rows: readonly Row[],
): Promise<UpsertCounts> {
  const { definition, binding } = state;
  try {
    return await timed(state.name, 'insert', rows.length, () =>
      upsertTableRows(client, binding.schema, definition.table, fieldsOf(definition), rows),
    );
  } catch (error) {
    throw explainWriteError(error, state.name, definition, rows);
  }
}
