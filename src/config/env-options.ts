/**
 * The FIXTURES_* variables with a fixed set of values, read one way: a value
 * outside the set is an {@link OptionError} naming the variable, what it
 * holds and what it accepts. Before, `FIXTURES_KEEP_FAILED=true` was simply
 * off, and nothing said so.
 */
import { OptionError } from './option-error.ts';
import { listOf } from './option-values.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The variable's value, trimmed; undefined when unset or empty. */
function valueSet(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** An on/off variable: `1` is on; unset, empty or `0` is off; anything else is an error. */
export function envFlag(env: Env, name: string): boolean {
  const value = valueSet(env, name);
  if (value === undefined || value === '0') return false;
  if (value === '1') return true;
  throw new OptionError(
    name,
    `${name} is ${JSON.stringify(value)}: set it to 1 to turn it on, or to 0 (or unset it) to leave it off.`,
    ['1', '0'],
  );
}

/** A variable that names one of `allowed`; undefined when unset. `unset` says what leaving it unset does. */
export function envChoice<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  unset: string,
): T | undefined {
  const value = valueSet(env, name);
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new OptionError(name, `${name} is ${JSON.stringify(value)}: use ${listOf(allowed)}, or unset it ${unset}.`, [
    ...allowed,
  ]);
}

/** A duration in milliseconds, a whole number above 0; `fallback` when unset. */
export function envMilliseconds(env: Env, name: string, fallback: number): number {
  const value = valueSet(env, name);
  if (value === undefined) return fallback;
  const ms = Number(value);
  if (/^\d+$/.test(value) && ms > 0 && Number.isSafeInteger(ms)) return ms;
  throw new OptionError(
    name,
    `${name} is ${JSON.stringify(value)}: give a whole number of milliseconds above 0, e.g. ${name}=${fallback}, or unset it for ${fallback}.`,
  );
}
