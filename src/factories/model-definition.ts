/**
 * ModelDefinition: what a model file in models/ declares about its model, so
 * that generic code (the writes, errors.ts) knows nothing of any one model:
 * how a row is generated, which parents the factory creates when a foreign
 * key is left out, and which unique keys the database enforces. Factories are
 * named by `FactoryName`, the registry's keys, so a misspelt parent is a
 * compile error.
 */
import type { DeepPartial } from 'fishery';
import type { RecordValues } from './data-scope.ts';
import type { FactoryClient } from './model-factory.ts';
import type { FactoryName } from './registry.ts';

/** What a model's factory needs from its Prisma delegate. */
export interface InsertDelegate<Row, Rec> {
  createManyAndReturn(args: { data: Row[] }): PromiseLike<Rec[]>;
}

/** The fields of `Row` that hold a string: what a foreign key to a parent's id is. */
export type StringField<Row> = { [Field in keyof Row & string]: Row[Field] extends string ? Field : never }[keyof Row &
  string];

/** A required relation: the factory creates the parent when the caller leaves its foreign key out. */
export interface ParentField<Row> {
  /** The foreign key a caller may pass to reuse a parent, e.g. `learnerId`. */
  readonly field: StringField<Row>;
  /** The factory that creates the parent when the caller does not pass one. */
  readonly factory: FactoryName;
}

/**
 * A unique key of the model and the names of the constraints (or unique
 * indexes) that enforce it, so that a refused duplicate is reported by its
 * fields, whatever the constraint is called: `users_email_lower_key` is an
 * index on `lower(email)`, a name no rule turns into `email`.
 */
export interface UniqueKey<Row> {
  readonly fields: readonly (keyof Row & string)[];
  readonly constraints: readonly string[];
}

/** How a model is built and stored: one per model file in models/. */
export interface ModelDefinition<Row, Rec, Transient> {
  /** Names the sequence and the derivation; factories sharing it (learner, admin) never repeat a value. */
  readonly key: string;
  /** The SQL table, for the writes and messages. */
  readonly table: string;
  /** Prisma's `<Model>ScalarFieldEnum`: the fields an override may name, one per field of `Row`. */
  readonly fields: { readonly [Field in keyof Row & string]: Field };
  /** The required relations, whose parents a `create` makes when their foreign key is left out. */
  readonly parents: readonly ParentField<Row>[];
  /** The unique keys besides the primary key, for errors.ts's message on a duplicate. */
  readonly uniques: readonly UniqueKey<Row>[];
  /**
   * Prisma's delegate for the model. Rows go in through bulk-insert.ts, not
   * through it: it is here so that the compiler proves every Row is valid
   * `create` data for the model, as `build` promises.
   */
  readonly delegate: (client: FactoryClient) => InsertDelegate<Row, Rec>;
  /** One record's defaults; `params` are the overrides (fishery merges them in after). */
  readonly generate: (values: RecordValues, params: DeepPartial<Row>, transient: Partial<Transient>) => Row;
}
