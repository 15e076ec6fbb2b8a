/**
 * How the run-time checks of options, arguments and fields show the value
 * they refused and the values they take, and the one check every option
 * with a fixed set of values goes through.
 */
import { OptionError } from './option-error.ts';

/** A value as a message shows it: strings quoted, objects by kind, nothing long. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value == null) {
    return String(value);
  }
  if (typeof value === 'function') return 'a function';
  if (value instanceof Date) return `a Date (${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return 'an object';
}

/** `'a', 'b' or 'c'`. */
export function listOf(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length < 2 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/**
 * `value` if it is one of `allowed`, else an {@link OptionError} naming
 * `option`, the value seen and the values allowed; `how` says where the
 * option is set, e.g. `test.override({ dbReset: 'truncate' })`.
 */
export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[], how = ''): T {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  throw new OptionError(
    option,
    `The ${option} option is ${shownValue(value)}: use ${listOf(allowed)}${how ? `, e.g. ${how}` : ''}.`,
    allowed,
  );
}

/**
 * `options` of `call` as an object of known options: nothing (undefined) is
 * none, anything but an object, or a key not in `known`, is an
 * {@link OptionError} (a misspelt option used to be ignored). A value that is
 * not undefined must be `typeof` what `known` says.
 */
export function checkOptions(
  call: string,
  options: unknown,
  known: Readonly<Record<string, 'string' | 'other'>>,
): Record<string, unknown> {
  if (options === undefined) return {};
  const names = Object.keys(known);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(
      'options',
      `${call}'s options are ${shownValue(options)}: pass an object (its options are ${names.join(', ')}), or nothing.`,
    );
  }
  for (const [name, value] of Object.entries(options)) {
    const kind = known[name];
    if (kind === undefined) {
      throw new OptionError(name, `${call} has no option "${name}": its options are ${names.join(', ')}.`, names);
    }
    if (kind === 'string' && value !== undefined && typeof value !== 'string') {
      throw new OptionError(name, `The ${name} option of ${call} is ${shownValue(value)}: give a string.`);
    }
  }
  return options as Record<string, unknown>;
}
