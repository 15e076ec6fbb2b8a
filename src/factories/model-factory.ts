/**
 * ModelFactory: one model's factory. Building is fishery's (defaults, deep-merged
 * overrides, transient params, afterBuild hooks, a sequence shared by every
 * factory extended from the same definition). Creating is ours, because
 * fishery creates one row per round trip: rows go in multi-row INSERTs,
 * their missing parents first, level by level, and a trait's children after.
 * See docs/factories.md.
 */
import type { DeepPartial, Factory } from 'fishery';
import { shownValue } from '../config/option-values.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { ROWS_PER_STATEMENT } from './bulk-insert.ts';
import type { DataScope } from './data-scope.ts';
import { FactoryError } from './errors.ts';
import { insertEach, isMissing } from './factory-writes.ts';
import { checkFieldTypes } from './field-types.ts';
import type { ModelDefinition } from './model-definition.ts';
import { timed } from './profile.ts';
import type { FactoryName, RowOf, StateOf } from './registry.ts';

/** The client the factories write with: a PrismaClient, or the client of a transaction. */
export type FactoryClient = PrismaClient | Prisma.TransactionClient;

/**
 * Creates rows of another factory of the same set, on the same connection (how traits add children):
 * `createWith('contentChunk', [{ materialId, ordinal }])`. Returns the rows as built, in order.
 */
export type CreateWith = <Name extends FactoryName>(
  factory: Name,
  overrides: readonly DeepPartial<RowOf<Name>>[],
) => Promise<RowOf<Name>[]>;

/** A step run after a batch of records is inserted: a trait's children, for one INSERT per level. */
export type AfterInsert<Rec> = (records: readonly Rec[], createWith: CreateWith) => Promise<void>;

/** Where a factory builds from and writes to; shared by every factory of one `createFactories` set. */
export interface FactoryBinding {
  readonly scope: DataScope;
  readonly client: FactoryClient | undefined;
  /** The PostgreSQL schema the client works in; undefined leaves it to the connection's search_path. */
  readonly schema: string | undefined;
  /** The state of the set's factory called `name`, for parents and children. */
  readonly sibling: <Name extends FactoryName>(name: Name) => StateOf<Name>;
}

/** Options of `build`, `create` and their list forms. */
export interface BuildOptions<Transient> {
  /** Values the factory uses to derive others but does not store (e.g. `firstName` for the email). */
  readonly transient?: Partial<Transient>;
}

/** One factory's definition, fishery factory and binding: what a set holds of each factory. */
export interface ModelState<Row, Rec, Transient> {
  readonly name: string;
  readonly definition: ModelDefinition<Row, Rec, Transient>;
  readonly fishery: Factory<Row, Transient>;
  readonly binding: FactoryBinding;
}

/** A factory's state with its traits' steps: what factory-writes.ts works on. */
export interface FactoryState<Row, Rec, Transient> extends ModelState<Row, Rec, Transient> {
  readonly afterInsert: readonly AfterInsert<Rec>[];
}

/**
 * One model's factory: `build*` makes plain rows, `create*` inserts them with
 * their missing parents; `params()`, `transient()` and traits return copies.
 */
export class ModelFactory<Row extends { id: string }, Rec extends { id: string }, Transient = object> {
  /** The factory's name in messages and in the profile: `learner`, `studyMaterial`, … */
  readonly name: string;
  readonly #state: FactoryState<Row, Rec, Transient>;

  /** A factory of `state`; the registry makes one per name (see registry.ts), traits copy it. */
  constructor(state: ModelState<Row, Rec, Transient> & { readonly afterInsert?: readonly AfterInsert<Rec>[] }) {
    this.name = state.name;
    this.#state = { ...state, afterInsert: state.afterInsert ?? [] };
  }

  /** A plain, valid row; touches no database. */
  build(overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Row {
    this.#checkFields(overrides);
    return timed(this.name, 'build', 1, () => this.#state.fishery.build(overrides, options));
  }

  /** `count` plain rows, each with its own unique values. */
  buildList(count: number, overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Row[] {
    this.checkCount('buildList', count);
    this.#checkFields(overrides);
    return timed(this.name, 'build', count, () => this.#state.fishery.buildList(count, overrides, options));
  }

  /** Inserts one row, and its required parents when `overrides` does not name them. */
  async create(overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Promise<Rec> {
    const [record] = await this.createEach([overrides ?? ({} as DeepPartial<Row>)], options);
    return record as Rec;
  }

  /** Inserts `count` rows in multi-row INSERTs (their parents and a trait's children likewise, level by level). */
  async createList(count: number, overrides?: DeepPartial<Row>, options?: BuildOptions<Transient>): Promise<Rec[]> {
    this.checkCount('createList', count);
    return this.createEach(
      Array.from({ length: count }, () => overrides ?? ({} as DeepPartial<Row>)),
      options,
    );
  }

  /** Inserts one row per element of `overridesList`, in as few statements as the list allows. */
  async createEach(overridesList: readonly DeepPartial<Row>[], options?: BuildOptions<Transient>): Promise<Rec[]> {
    if (!Array.isArray(overridesList)) {
      throw new FactoryError(
        this.name,
        `createEach(overridesList) takes an array, one element per row, got ${shownValue(overridesList)}: createEach([{ … }, { … }]). Nothing was written.`,
      );
    }
    for (const overrides of overridesList) this.#checkFields(overrides);
    const client = this.#client();
    const needsTransaction =
      this.#state.afterInsert.length > 0 ||
      overridesList.length > ROWS_PER_STATEMENT ||
      this.#state.definition.parents.some(({ field }) =>
        overridesList.some((overrides) => isMissing(overrides, field)),
      );
    if (needsTransaction && '$transaction' in client) {
      // All or nothing: a refused child leaves no parent behind.
      return client.$transaction((transaction) => insertEach(this.#state, transaction, overridesList, options), {
        maxWait: 30_000,
        timeout: 300_000,
      });
    }
    return insertEach(this.#state, client, overridesList, options);
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

  /**
   * Refuses a row count that is not a whole number from 0 up, naming the call
   * and the argument: `createList(-1)` used to create nothing, silently, and
   * a trait's `withChunks(2.5)` whatever `Array.from` made of it.
   */
  protected checkCount(call: string, count: unknown): void {
    if (Number.isSafeInteger(count) && (count as number) >= 0) return;
    throw new FactoryError(
      this.name,
      `${call}(count) needs a whole number of rows, 0 or more, as count; got ${shownValue(count)}. Nothing was written.`,
    );
  }

  #checkFields(overrides: unknown): void {
    if (overrides === undefined || overrides === null) return;
    const { fields, table } = this.#state.definition;
    if (typeof overrides !== 'object' || Array.isArray(overrides)) {
      throw new FactoryError(
        this.name,
        `the overrides are ${shownValue(overrides)}: pass an object of ${table}'s fields, e.g. { ${Object.keys(fields)[1] ?? 'id'}: … }. Nothing was written.`,
      );
    }
    for (const field of Object.keys(overrides)) {
      if (!(field in fields)) {
        throw new FactoryError(
          this.name,
          `"${field}" is not a field of ${table}; its fields are ${Object.keys(fields).join(', ')}.`,
        );
      }
    }
    checkFieldTypes(this.name, table, overrides);
  }
}
