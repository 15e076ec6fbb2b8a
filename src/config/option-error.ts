/**
 * OptionError: an option, argument or variable given a value outside what it
 * accepts. The TypeScript types already say what is allowed; this is the
 * same rule checked at run time, at the boundary, so a wrong value stops the
 * call that received it instead of quietly doing something else (a
 * `dbReset: 'bogus'` used to reset nothing).
 */
import { ConfigurationError } from './database-url.ts';

/** An option (or FIXTURES_* variable) set to a value it does not accept; the message lists those it does. */
export class OptionError extends ConfigurationError {
  override name = 'OptionError';
  /** The option at fault: `dbReset`, `isolation`, `FIXTURES_KEEP_FAILED`, … (also in `variable`). */
  readonly option: string;
  /** The values it accepts, when they can be listed; empty otherwise. */
  readonly allowed: readonly string[];

  constructor(option: string, message: string, allowed: readonly string[] = []) {
    super(option, message);
    this.option = option;
    this.allowed = allowed;
  }
}
