/**
 * A data scope: the seed that every value of one test derives from, and the
 * sequences its factories count with. The Vitest `db` fixture opens one per
 * test (seeded from the test's file and name), so a test builds the same data
 * on every run, and two tests never build the same unique values.
 */
import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';
import { DerivedRandomizer, derivedUuid, hashNumbers, hashText } from './derive.ts';

/**
 * Faker's class, taken from its English instance: `@faker-js/faker` itself
 * loads all of its 60-odd locales on import (about 200 ms of every test
 * file's start), `locale/en` only English and the base data, which is all we use.
 */
const FakerWithEnglish = english.constructor as typeof Faker;

/** Every derived timestamp falls in the 180 days from here: fixed, so that data is reproducible. */
const EPOCH_MS = Date.UTC(2026, 0, 1);
const SPAN_MS = 180 * 24 * 60 * 60 * 1000;

/** The values of one record: each field draws from its own derived state. */
export class RecordValues {
  readonly #scope: DataScope;
  readonly #key: number;
  /** The record's number in its factory's sequence (1, 2, …). */
  readonly index: number;

  constructor(scope: DataScope, key: number, index: number) {
    this.#scope = scope;
    this.#key = key;
    this.index = index;
  }

  /** A faker call whose randomness comes from this record's `field` only. */
  fake<T>(field: string, draw: (faker: Faker) => T): T {
    return this.#scope.draw(hashNumbers(this.#key, hashText(field)), draw);
  }

  /** An integer in [min, max]. */
  int(field: string, min: number, max: number): number {
    return this.fake(field, (faker) => faker.number.int({ min, max }));
  }

  /** A timestamp in the fixed 180-day window, to the millisecond (PostgreSQL keeps timestamptz(3)). */
  date(field: string): Date {
    return new Date(EPOCH_MS + this.int(field, 0, SPAN_MS));
  }

  /** The record's primary key: a UUID derived like any other value, so parents and children link before insert. */
  uuid(field = 'id'): string {
    return derivedUuid(hashNumbers(this.#key, hashText(field)));
  }

  /** A short tag unique to the scope's seed, for unique values that must not meet another test's. */
  get tag(): string {
    return this.#scope.tag;
  }
}

export class DataScope {
  /** The text every value derives from; printed so that a failure can be reproduced. */
  readonly seed: string;
  /** Six base-36 characters of the seed's hash. */
  readonly tag: string;
  readonly #seedHash: number;
  readonly #randomizer = new DerivedRandomizer();
  readonly #faker = new FakerWithEnglish({ locale: english.rawDefinitions, randomizer: this.#randomizer });
  /** Lazily built per scope, so each scope's sequences start at 1 (see factories.ts). */
  readonly memo = new Map<string, unknown>();

  constructor(seed: string) {
    this.seed = seed;
    this.#seedHash = hashText(seed);
    this.tag = hashText(seed, 7).toString(36).padStart(6, '0').slice(-6);
  }

  /** The values of record number `index` of the factory `factory`. */
  record(factory: string, index: number): RecordValues {
    return new RecordValues(this, hashNumbers(this.#seedHash, hashText(factory), index), index);
  }

  /** @internal Draws with the randomizer reseeded from `key`. */
  draw<T>(key: number, draw: (faker: Faker) => T): T {
    this.#randomizer.seed([this.#seedHash, key, 0x85ebca6b, key ^ 0x5bd1e995]);
    return draw(this.#faker);
  }
}

/** The seed of a test: FIXTURES_SEED (default `ctoprojects`), then the test's id (its file and name). */
export function seedFor(testId: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const universe = env.FIXTURES_SEED?.trim() || 'ctoprojects';
  return testId ? `${universe} / ${testId}` : universe;
}

let ambient: DataScope | undefined;

/**
 * The scope that `buildLearner()` and friends draw from: the current test's
 * when a `db` fixture opened one, else one per process.
 */
export function currentDataScope(): DataScope {
  ambient ??= new DataScope(seedFor(undefined));
  return ambient;
}

/** Makes a new scope the ambient one (the `db` fixture calls it before each test). */
export function enterDataScope(testId: string | undefined): DataScope {
  ambient = new DataScope(seedFor(testId));
  return ambient;
}
