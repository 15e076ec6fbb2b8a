/**
 * FIXTURES_HARNESS, read back in a worker: the run's setup as the global
 * setup wrote it. Someone may set it by hand, or a stale one may linger in a
 * shell; what does not have the shape the harness writes stops the worker
 * with one line naming the variable, never with a `TypeError` from deep in a
 * pool (`FIXTURES_HARNESS='{}'` gave one). The message quotes no value: the
 * variable holds a superuser password.
 */
import { ConfigurationError, redactPasswords, tryParseUrl } from '../../config/database-url.ts';
import type { ConnectionTarget } from '../../sql/explain-connection-error.ts';
import type { TemplateSource } from './apply-migrations.ts';
import type { ReadyClones } from './ready-clones.ts';

/** Where the run's PostgreSQL comes from (run/servers/provider.ts). */
export const PROVIDERS = ['external', 'testcontainers', 'embedded', 'system'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The run's server and template, as workers receive them. */
export interface RunSetup {
  readonly provider: ProviderName;
  /** A superuser URL on the run's server (with its password: keep it out of logs). */
  readonly adminUrl: string;
  /** The template every clone copies. */
  readonly template: string;
  /**
   * Set when the server does not let the harness create databases, so the
   * template could not be built and only `schema` isolation works: PostgreSQL's
   * refusal, for the error `database` isolation then gives.
   */
  readonly templateRefused?: string;
  /** The data model, which `schema` isolation migrates each schema to. */
  readonly source: TemplateSource;
  /**
   * The tag of the process that set the run up (owner-tag.ts), in the name of
   * every database and schema the run's workers create: they are the run's,
   * dropped at its end, and reaped by the next run once that process is gone.
   */
  readonly owner: string;
  /**
   * The run's ready clones (ready-clones.ts), which its workers claim before
   * making one: set by a global setup that knows its workers and files.
   */
  readonly ready?: ReadyClones;
}

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

/** Hands `setup` to the run's workers, which inherit the environment: the one way they learn the run. */
export function publishRunSetup(setup: RunSetup, env: NodeJS.ProcessEnv = process.env): void {
  env[RUN_SETUP_VARIABLE] = JSON.stringify(setup);
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

/** The run's setup from FIXTURES_HARNESS, when a global setup wrote one for this worker. */
export function runSetupFromEnv(env: NodeJS.ProcessEnv = process.env): RunSetup | undefined {
  const json = env[RUN_SETUP_VARIABLE];
  if (!json) return undefined;
  const setup = parseRunSetup(json);
  adminUrlOf(setup);
  return setup;
}

/**
 * The admin URL of `setup`, parsed. A malformed one is a {@link ConfigurationError}
 * with the password redacted, never Node's `TypeError: Invalid URL`, whose
 * `input` property (printed by util.inspect) holds the whole URL.
 */
export function adminUrlOf(setup: RunSetup): URL {
  const adminUrl: unknown = setup?.adminUrl;
  const url = typeof adminUrl === 'string' ? tryParseUrl(adminUrl) : undefined;
  if (url) return url;
  const seen =
    typeof adminUrl === 'string' ? `an adminUrl that is not a URL ("${redactPasswords(adminUrl)}")` : 'no adminUrl';
  throw new ConfigurationError(
    RUN_SETUP_VARIABLE,
    `${RUN_SETUP_VARIABLE} holds ${seen}: the harness's global setup writes this variable for its workers; unset it, or let the global setup set it.`,
  );
}

/**
 * The run's server as its connection errors name it: TEST_DATABASE_URL for an
 * external one, which the person running the tests chose and may correct.
 */
export function connectionTarget(provider: ProviderName, adminUrl: URL | string): ConnectionTarget {
  return provider === 'external'
    ? {
        url: adminUrl,
        variable: 'TEST_DATABASE_URL',
        otherwise: 'or unset TEST_DATABASE_URL and the harness starts a server of its own',
      }
    : { url: adminUrl };
}
