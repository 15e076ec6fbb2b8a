/**
 * The JavaScript value each column of a model takes, checked before a factory
 * builds or writes anything: a wrong type used to reach the database as
 * text, where `rating: "5"` became 5 and was written, and `email: 42` failed
 * a CHECK constraint far from the override that caused it.
 *
 * The columns and their types come from Prisma's own data model of the
 * generated client, found by the definition's table, so a new model or
 * column needs nothing here. Prisma 7 keeps that data model on a client
 * instance only (`_runtimeDataModel`); one client, never connected, is made
 * for it once per process. Nullability is not in it: null is left to the
 * database, whose NOT NULL error errors.ts explains.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { shownValue } from '../config/option-values.ts';
import { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import * as enums from '../generated/prisma/enums.ts';
import { FactoryError } from './errors.ts';

interface Field {
  readonly name: string;
  readonly kind: string;
  readonly type: string;
}

/** Prisma's data model: fields by model, each with its kind (scalar, enum, object) and type. */
interface RuntimeDataModel {
  readonly models: Record<string, { readonly dbName: string | null; readonly fields: readonly Field[] }>;
}

/**
 * Whether `client` carries the data model this module reads: Prisma 7 keeps
 * it on the instance, undeclared in the client's type, so it is checked here
 * rather than assumed (a Prisma upgrade that moves it turns the type check off).
 */
function hasRuntimeDataModel(client: object): client is { readonly _runtimeDataModel: RuntimeDataModel } {
  if (!('_runtimeDataModel' in client)) return false;
  const model = client._runtimeDataModel;
  return typeof model === 'object' && model !== null && 'models' in model && typeof model.models === 'object';
}

/** The generated enums by name: `UserRole` → `{ ADMIN: 'ADMIN', LEARNER: 'LEARNER' }`. */
const ENUMS: Readonly<Record<string, Readonly<Record<string, string>>>> = enums;

let fieldsByTable: Map<string, ReadonlyMap<string, Field>> | undefined;

function fieldsOf(table: string): ReadonlyMap<string, Field> | undefined {
  if (!fieldsByTable) {
    // A URL nothing ever connects to: the adapter opens its pool on the first query, and this client sends none.
    const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://localhost/unused' }) });
    const models = hasRuntimeDataModel(client) ? client._runtimeDataModel.models : {};
    if (!hasRuntimeDataModel(client)) {
      // Said once, not thrown: the database still checks every value; only the early, named message is lost.
      process.emitWarning(
        "The factories cannot read Prisma's data model (PrismaClient has no _runtimeDataModel in this Prisma version), so an override of the wrong type reaches PostgreSQL unchecked: use the Prisma version @ctoprojects/fixtures depends on, or report it.",
        { code: 'FIXTURES_FIELD_TYPES' },
      );
    }
    fieldsByTable = new Map(
      Object.entries(models).map(([model, { dbName, fields }]) => [
        dbName ?? model,
        new Map(fields.filter((field) => field.kind !== 'object').map((field) => [field.name, field])),
      ]),
    );
  }
  return fieldsByTable.get(table);
}

const INT4 = 2 ** 31;
const isPrismaNull = (value: unknown) =>
  value === Prisma.DbNull || value === Prisma.JsonNull || value === Prisma.AnyNull;

/** Whether `value` is something a column of `field`'s type takes. */
function fits(field: Field, value: unknown): boolean {
  if (field.kind === 'enum') return Object.values(enumValues(field.type)).includes(value as string);
  switch (field.type) {
    case 'String':
      return typeof value === 'string';
    case 'Int':
      return Number.isInteger(value) && (value as number) >= -INT4 && (value as number) < INT4;
    case 'BigInt':
      return typeof value === 'bigint' || Number.isSafeInteger(value);
    case 'Float':
      return typeof value === 'number' && !Number.isNaN(value);
    case 'Decimal':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) ||
        Prisma.Decimal.isDecimal(value)
      );
    case 'Boolean':
      return typeof value === 'boolean';
    case 'DateTime':
      return value instanceof Date
        ? !Number.isNaN(value.getTime())
        : typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'Json':
      return isPrismaNull(value) || isJson(value);
    case 'Bytes':
      return value instanceof Uint8Array;
    default:
      return true; // a type this check does not know: the database decides
  }
}

function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  // Inside an array or object, undefined is what JSON.stringify makes null or leaves out.
  const member = (item: unknown) => item === undefined || isJson(item);
  if (Array.isArray(value)) return value.every(member);
  if (typeof value !== 'object' || value instanceof Date) return value instanceof Date;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.values(value).every(member);
}

function enumValues(type: string): Record<string, string> {
  return ENUMS[type] ?? {};
}

/** What a column of `field`'s type takes, for the message. */
function expected(field: Field): string {
  if (field.kind === 'enum') {
    return `one of ${Object.values(enumValues(field.type))
      .map((value) => `'${value}'`)
      .join(', ')} (the enum ${field.type})`;
  }
  const wants: Record<string, string> = {
    String: 'a string',
    Int: `a whole number from ${-INT4} to ${INT4 - 1} (Int)`,
    BigInt: 'a bigint or a whole number (BigInt)',
    Float: 'a number (Float)',
    Decimal: 'a number, a numeric string or a Prisma.Decimal (Decimal)',
    Boolean: 'true or false',
    DateTime: 'a valid Date, or an ISO 8601 string (DateTime)',
    Json: 'a JSON value: an object, array, string, number, boolean or null (Json)',
    Bytes: 'a Uint8Array (Bytes)',
  };
  return wants[field.type] ?? field.type;
}

/** What `value` is, in a word or two. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return Number.isInteger(value) ? 'a whole number' : 'a fractional number';
  }
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/**
 * Throws a FactoryError for the first field of `overrides` whose value its
 * column does not take, naming the field, the value and what it takes. Null
 * and undefined pass (nullability is the database's to say).
 */
export function checkFieldTypes(factory: string, table: string, overrides: unknown): void {
  const fields = fieldsOf(table);
  if (!fields || typeof overrides !== 'object' || overrides === null) return;
  for (const [name, value] of Object.entries(overrides)) {
    const field = fields.get(name);
    if (!field || value === undefined || value === null || fits(field, value)) continue;
    throw new FactoryError(
      factory,
      `${name} ${shownValue(value)} is ${kindOf(value)}, but the ${name} column of ${table} takes ${expected(field)}: pass one, or leave ${name} out to get a generated value. Nothing was written.`,
    );
  }
}
