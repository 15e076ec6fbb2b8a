/**
 * `createFactories(prisma)`: one factory per model, bound to a client, drawing
 * from a data scope. The factories of one scope share their sequences with
 * the root `build*` functions and with every trait or `params()` copy, so no
 * two of them ever hand out the same unique value.
 */
import { Factory } from 'fishery';
import { schemaOfClient } from '../client/create-prisma-client.ts';
import { checkOptions } from '../config/option-values.ts';
import { currentDataScope, DataScope } from './data-scope.ts';
import type { ModelDefinition } from './model-definition.ts';
import type { FactoryBinding, FactoryClient } from './model-factory.ts';
import { FACTORY_NAMES, type FactoryName, type FactoryOf, registryEntry, type StateOf } from './registry.ts';

/** The factories of one client, as `ctx.factories` hands them out: one per name of the registry (registry.ts). */
export type Factories = { readonly [Name in FactoryName]: FactoryOf<Name> };

/** Options of `createFactories`. */
export interface CreateFactoriesOptions {
  /**
   * The seed every value derives from. By default the current test's (the
   * `db` fixture sets it from the test's file and name), else FIXTURES_SEED.
   */
  readonly seed?: string;
  /**
   * The PostgreSQL schema the client works in, for the factories' bulk
   * INSERTs. Known by itself for clients from `createPrismaClient` and the
   * harness; otherwise the connection's search_path decides.
   */
  readonly schema?: string;
}

/** fishery factories of one scope, by definition key: one sequence per key. */
function fisheryFactories(scope: DataScope): Map<string, Factory<unknown, unknown>> {
  const memo = scope.memo.get('fishery') as Map<string, Factory<unknown, unknown>> | undefined;
  if (memo) return memo;
  const made = new Map<string, Factory<unknown, unknown>>();
  scope.memo.set('fishery', made);
  return made;
}

function fisheryFor<Row, Rec, Transient>(
  scope: DataScope,
  definition: ModelDefinition<Row, Rec, Transient>,
): Factory<Row, Transient> {
  const made = fisheryFactories(scope);
  let factory = made.get(definition.key) as Factory<Row, Transient> | undefined;
  if (!factory) {
    factory = Factory.define<Row, Transient>(({ sequence, params, transientParams }) =>
      definition.generate(scope.record(definition.key, sequence), params, transientParams),
    );
    made.set(definition.key, factory as Factory<unknown, unknown>);
  }
  return factory;
}

/** A set of factories and their states: the factories for users, the states for the baseline seed's upsert. */
export interface FactorySet {
  readonly factories: Factories;
  /** The set's state of the factory `name` (without any trait's steps). */
  readonly state: <Name extends FactoryName>(name: Name) => StateOf<Name>;
}

/**
 * An object with a value for every name of the registry, made by `make`. The
 * one cast of the registry's code: TypeScript types no object built key by
 * key as the mapped type it becomes once every key is in.
 */
function byName<Value extends { readonly [Name in FactoryName]: unknown }>(
  make: <Name extends FactoryName>(name: Name) => Value[Name],
): Value {
  return Object.fromEntries(FACTORY_NAMES.map((name) => [name, make(name)])) as Value;
}

function makeFactorySet(scope: DataScope, client: FactoryClient | undefined, schema?: string): FactorySet {
  const state = <Name extends FactoryName>(name: Name): StateOf<Name> => {
    const { definition, defaults } = registryEntry(name);
    const fishery = fisheryFor(scope, definition);
    // Factories sharing a definition share its fishery factory (and so its sequence); defaults are per name.
    return { name, definition, fishery: defaults ? fishery.params(defaults) : fishery, binding };
  };
  const binding: FactoryBinding = { scope, client, schema, sibling: state };
  const factories = byName<Factories>((name) => new (registryEntry(name).Factory)(state(name)));
  return { factories, state };
}
/**
 * Factories that create through `client` (a PrismaClient, or a transaction's client).
 *
 * @example
 * const factories = createFactories(prisma);
 * const learner = await factories.learner.withSessions(2, { status: 'COMPLETED' }).create();
 */
export function createFactories(client: FactoryClient, options: CreateFactoriesOptions = {}): Factories {
  return createFactorySet(client, options).factories;
}

/** `createFactories`, with the factories' states beside them (for the baseline seed's upsert). */
export function createFactorySet(client: FactoryClient, options: CreateFactoriesOptions = {}): FactorySet {
  checkOptions('createFactories', options, { seed: 'string', schema: 'string' });
  const scope = options.seed === undefined ? currentDataScope() : new DataScope(options.seed);
  return makeFactorySet(scope, client, options.schema ?? schemaOfClient(client));
}

/** The scope's build-only factories, behind `buildLearner()` and friends. */
export function buildOnlyFactories(scope: DataScope = currentDataScope()): Factories {
  let factories = scope.memo.get('build-only') as Factories | undefined;
  if (!factories) {
    factories = makeFactorySet(scope, undefined).factories;
    scope.memo.set('build-only', factories);
  }
  return factories;
}
