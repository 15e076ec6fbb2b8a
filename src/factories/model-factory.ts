/**
 * ModelFactory: one model's factory. Building is fishery's (defaults, deep-merged
 * overrides, transient params, afterBuild hooks, a sequence shared by every
 * factory extended from the same definition). Creating is ours, because
 * fishery creates one row per round trip: rows go in multi-row INSERTs,
 * their missing parents first, level by level, and a trait's children after.
 * See docs/factories.md.
 */
import type { DeepPartial, Factory } from 'fishery';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { insertRows, ROWS_PER_STATEMENT, type UpsertCounts, upsertRows } from './bulk-insert.ts';
import type { DataScope, RecordValues } from './data-scope.ts';
import { explainWriteError, FactoryError } from './errors.ts';
import { timed } from './profile.ts';

/** The client the factories write with: a PrismaClient, or the client of a transaction. */
export type FactoryClient = PrismaClient | Prisma.TransactionClient;

/** What a model's factory needs from its Prisma delegate. */
export interface InsertDelegate<Row, Rec> {
  createManyAndReturn(args: { data: Row[] }): PromiseLike<Rec[]>;
}

/** Creates rows of another factory of the same set, on the same connection (for parents and traits). */
export type CreateWith = (factory: string, overrides: readonly object[]) => Promise<{ id: string }[]>;

/** A step run after a batch of records is inserted: a trait's children, for one INSERT per level. */
export type AfterInsert<Rec> = (records: readonly Rec[], createWith: CreateWith) => Promise<void>;

export interface ParentField {
  /** The foreign key a caller may pass to reuse a parent, e.g. `learnerId`. */
  readonly field: string;
  /** The factory that creates the parent when the caller does not pass one. */
  readonly factory: string;
}

/** How a model is built and stored: one per model file in models/. */
export interface ModelDefinition<Row, Rec, Transient> {
  /** Names the sequence and the derivation; factories sharing it (learner, admin) never repeat a value. */
  readonly key: string;
  /** The SQL table, for messages. */
  readonly table: string;
  /** Prisma's `<Model>ScalarFieldEnum`: the fields an override may name. */
  readonly fields: Readonly<Record<string, string>>;
  readonly parents: readonly ParentField[];
  /**
   * Prisma's delegate for the model. Rows go in through bulk-insert.ts, not
   * through it: it is here so that the compiler proves every Row is valid
   * `create` data for the model, as `build` promises.
   */
  readonly delegate: (client: FactoryClient) => InsertDelegate<Row, Rec>;
  /** One record's defaults; `params` are the overrides (fishery merges them in after). */
  readonly generate: (values: RecordValues, params: DeepPartial<Row>, transient: Partial<Transient>) => Row;
}

/** Where a factory builds from and writes to; shared by every factory of one `createFactories` set. */
export interface FactoryBinding {
  readonly scope: DataScope;
  readonly client: FactoryClient | undefined;
  /** The PostgreSQL schema the client works in; undefined leaves it to the connection's search_path. */
  readonly schema: string | undefined;
  /** The set's factory called `name`, for parents and children. */
  readonly sibling: (name: string) => ModelFactory<{ id: string }, { id: string }, object>;
}

export interface BuildOptions<Transient> {
  /** Values the factory uses to derive others but does not store (e.g. `firstName` for the email). */
  readonly transient?: Partial<Transient>;
}

interface FactoryState<Row, Rec, Transient> {
  readonly name: string;
  readonly definition: ModelDefinition<Row, Rec, Transient>;
  readonly fishery: Factory<Row, Transient>;
  readonly binding: FactoryBinding;
  readonly afterInsert: readonly AfterInsert<Rec>[];
}

export class ModelFactory<Row extends { id: string }, Rec extends { id: string }, Transient = object> {
  /** The factory's name in messages and in the profile: `learner`, `studyMaterial`, … */
  readonly name: string;
  readonly #state: FactoryState<Row, Rec, Transient>;

  constructor(state: FactoryState<Row, Rec, Transient>) {
    this.name = state.name;
    this.#state = state;
  }

  /** A plain, valid row; touches no database. */
  build(overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Row {
    this.#checkFields(overrides);
    return timed(this.name, 'build', 1, () => this.#state.fishery.build(overrides, options));
  }

  /** `count` plain rows, each with its own unique values. */
  buildList(count: number, overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Row[] {
    this.#checkFields(overrides);
    return timed(this.name, 'build', count, () => this.#state.fishery.buildList(count, overrides, options));
  }

  /** Inserts one row, and its required parents when `overrides` does not name them. */
  async create(overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Promise<Rec> {
    const [record] = await this.createEach([overrides ?? ({} as DeepPartial<Row>)], options);
    return record as Rec;
  }

  /** Inserts `count` rows in multi-row INSERTs (their parents and a trait's children likewise, level by level). */
  createList(count: number, overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Promise<Rec[]> {
    return this.createEach(
      Array.from({ length: count }, () => overrides ?? ({} as DeepPartial<Row>)),
      options,
    );
  }

  /** Inserts one row per element of `overridesList`, in as few statements as the list allows. */
  async createEach(overridesList: readonly DeepPartial<Row>[], options?: BuildOptions<Transient>): Promise<Rec[]> {
    for (const overrides of overridesList) this.#checkFields(overrides);
    const client = this.#client();
    const needsTransaction =
      this.#state.afterInsert.length > 0 ||
      overridesList.length > ROWS_PER_STATEMENT ||
      this.#state.definition.parents.some(({ field }) =>
        overridesList.some((overrides) => (overrides as Record<string, unknown>)[field] === undefined),
      );
    if (needsTransaction && '$transaction' in client) {
      // All or nothing: a refused child leaves no parent behind.
      return client.$transaction((transaction) => this.insertEach(transaction, overridesList, options), {
        maxWait: 30_000,
        timeout: 300_000,
      });
    }
    return this.insertEach(client, overridesList, options);
  }

  /** Default values for every row of the new factory (fishery's `params`); the sequence stays shared. */
  params(defaults: DeepPartial<Row>): this {
    this.#checkFields(defaults);
    return this.extend({ fishery: this.#state.fishery.params(defaults) });
  }

  /** Default transient values for every row of the new factory. */
  transient(defaults: Partial<Transient>): this {
    return this.extend({ fishery: this.#state.fishery.transient(defaults) });
  }

  /**
   * @internal Inserts the rows on `client`, which is already inside a
   * transaction when it needs one. With `returning` false (parents, a trait's
   * children) it hands back the rows it built instead of reading them back:
   * what those callers use (ids, timestamps) is in both, and 10,000 chunks
   * read back cost about a third of their insert.
   */
  async insertEach(
    client: FactoryClient,
    overridesList: readonly DeepPartial<Row>[],
    options?: BuildOptions<Transient>,
    returning = true,
  ): Promise<Rec[]> {
    const { definition, binding, afterInsert } = this.#state;
    const withParents = overridesList.map((overrides) => ({ ...overrides }) as Record<string, unknown>);
    for (const { field, factory } of definition.parents) {
      const missing = withParents.filter((overrides) => overrides[field] === undefined);
      if (missing.length === 0) continue;
      const parents = await binding.sibling(factory).insertEach(
        client,
        missing.map(() => ({})),
        undefined,
        false,
      );
      missing.forEach((overrides, index) => {
        overrides[field] = parents[index]?.id;
      });
    }
    const rows = timed(this.name, 'build', withParents.length, () =>
      withParents.map((overrides) => this.#state.fishery.build(overrides as DeepPartial<Row>, options)),
    );
    const records = await this.#insertRows(client, rows, returning);
    const createWith: CreateWith = (factory, overrides) =>
      binding.sibling(factory).insertEach(client, overrides, undefined, false);
    for (const step of afterInsert) await step(records, createWith);
    return records;
  }

  /**
   * @internal Writes built `rows` so that afterwards each exists exactly as
   * given: inserted when missing, rewritten when different, untouched when
   * equal (the baseline seed's upsert).
   */
  async upsertRows(client: FactoryClient, rows: readonly Row[]): Promise<UpsertCounts> {
    const { definition, binding } = this.#state;
    try {
      return await timed(this.name, 'insert', rows.length, () =>
        upsertRows(
          client,
          binding.schema,
          definition.table,
          Object.keys(definition.fields),
          rows as readonly Record<string, unknown>[],
        ),
      );
    } catch (error) {
      throw explainWriteError(error, this.name, definition.table, rows as readonly Record<string, unknown>[]);
    }
  }

  /** A copy of this factory (same class, same sequence) with some state replaced. */
  protected extend(changes: Partial<Pick<FactoryState<Row, Rec, Transient>, 'fishery' | 'name'>>): this {
    const Constructor = this.constructor as new (state: FactoryState<Row, Rec, Transient>) => this;
    return new Constructor({ ...this.#state, ...changes });
  }

  /** A copy that runs `step` after each batch of its records is inserted (how traits add children). */
  protected afterInsert(step: AfterInsert<Rec>): this {
    const Constructor = this.constructor as new (state: FactoryState<Row, Rec, Transient>) => this;
    return new Constructor({ ...this.#state, afterInsert: [...this.#state.afterInsert, step] });
  }

  async #insertRows(client: FactoryClient, rows: readonly Row[], returning: boolean): Promise<Rec[]> {
    const { definition, binding } = this.#state;
    const fields = Object.keys(definition.fields);
    const inserted: Rec[] = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const batch = rows.slice(start, start + ROWS_PER_STATEMENT) as readonly Record<string, unknown>[];
      try {
        const stored = await timed(this.name, 'insert', batch.length, () =>
          insertRows<Rec>(client, binding.schema, definition.table, fields, batch, returning),
        );
        inserted.push(...(returning ? stored : (batch as unknown as Rec[])));
      } catch (error) {
        throw explainWriteError(error, this.name, definition.table, batch);
      }
    }
    return inserted;
  }

  #client(): FactoryClient {
    const { client } = this.#state.binding;
    if (!client) {
      throw new FactoryError(
        this.name,
        'this factory only builds: create through factories bound to a client, createFactories(prisma) or the db fixture (ctx.factories).',
      );
    }
    return client;
  }

  #checkFields(overrides: object | undefined): void {
    if (!overrides) return;
    const { fields, table } = this.#state.definition;
    for (const field of Object.keys(overrides)) {
      if (!(field in fields)) {
        throw new FactoryError(
          this.name,
          `"${field}" is not a field of ${table}; its fields are ${Object.keys(fields).join(', ')}.`,
        );
      }
    }
  }
}
