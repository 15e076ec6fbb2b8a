/**
 * `debug` namespaces whose lines go through {@link redactPasswords}: a debug
 * line often quotes an error message, and an error message may quote a URL
 * or a statement. A drop-in for `import createDebug from 'debug'`.
 *
 * Each logger gets its own `log`, so the `debug` module and the loggers of
 * other packages are left as they are; `DEBUG=…`, colours and a `log` set on
 * the module still apply.
 */
import { formatWithOptions, type InspectOptions } from 'node:util';
import debug from 'debug';
import { redactPasswords } from '../config/redact.ts';

/**
 * A `debug` logger for `namespace` that hides passwords.
 *
 * @example
 * const log = createDebug('fixtures:clone');
 * log('cloned %s in %d ms', name, 25);
 */
export default function createDebug(namespace: string): debug.Debugger {
  const logger = debug(namespace);
  // Formatted as debug's own log formats it, then redacted: a password may sit in any argument.
  const options = (debug.inspectOpts ?? {}) as InspectOptions;
  logger.log = (...args: unknown[]) => debug.log(redactPasswords(formatWithOptions(options, ...args)));
  return logger;
}
