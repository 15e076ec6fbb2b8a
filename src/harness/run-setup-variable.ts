/**
 * FIXTURES_HARNESS, read back in a worker: the run's setup as the global
 * setup wrote it. Someone may set it by hand, or a stale one may linger in a
 * shell; what does not have the shape the harness writes stops the worker
 * with one line naming the variable, never with a `TypeError` from deep in a
 * pool (`FIXTURES_HARNESS='{}'` gave one). The message quotes no value: the
 * variable holds a superuser password.
 */
import { ConfigurationError } from '../config/database-url.ts';
import type { RunSetup } from './run-setup.ts';
import { PROVIDERS } from './servers/provider.ts';

/** The variable through which a run's setup reaches worker processes. */
export const RUN_SETUP_VARIABLE = 'FIXTURES_HARNESS';

const NEXT_STEP =
  "the harness's global setup writes it for its workers: unset it, or let the global setup (or withDatabase) set up the run.";

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function isReadyClones(value: unknown): boolean {
  const ready = value as Record<string, unknown> | null;
  return typeof ready === 'object' && ready !== null && isCount(ready.count) && isCount(ready.total);
}

/** What is wrong with `value` as a RunSetup, or undefined when nothing is. */
function flaw(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const setup = value as Record<string, unknown>;
  const source = setup.source as Record<string, unknown> | undefined;
  const missing = [
    !(PROVIDERS as readonly unknown[]).includes(setup.provider) && 'provider',
    !isString(setup.adminUrl) && 'adminUrl',
    !isString(setup.template) && 'template',
    !(isString(source?.migrationsDir) && isString(source?.schemaPath)) && 'source',
    setup.templateRefused !== undefined && typeof setup.templateRefused !== 'string' && 'templateRefused',
    setup.ready !== undefined && !isReadyClones(setup.ready) && 'ready',
  ].filter((field): field is string => field !== false);
  if (missing.length > 0) return `lacks a valid ${missing.join(', ')}`;
  if (!URL.canParse(setup.adminUrl as string)) return 'holds an adminUrl that is not a URL';
  return undefined;
}

/** The run's setup from `json`, the value of FIXTURES_HARNESS; a ConfigurationError if it is not one. */
export function parseRunSetup(json: string): RunSetup {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // Not JSON.parse's message: it quotes the text, and the text holds a superuser password.
    throw new ConfigurationError(
      RUN_SETUP_VARIABLE,
      `${RUN_SETUP_VARIABLE} is not the JSON the harness writes: ${NEXT_STEP}`,
    );
  }
  const wrong = flaw(value);
  if (wrong) throw new ConfigurationError(RUN_SETUP_VARIABLE, `${RUN_SETUP_VARIABLE} ${wrong}: ${NEXT_STEP}`);
  return value as RunSetup;
}
