/**
 * What happens once per test run, in one process: start (or find) the server
 * and make sure the template is built. The result is plain data, so a test
 * runner can hand it to its workers: `FIXTURES_HARNESS` in the environment,
 * which they inherit, whatever the runner.
 */
import { ConfigurationError, redactPasswords, tryParseUrl } from '../config/database-url.ts';
import { envFlag } from '../config/env-options.ts';
import { MIGRATIONS_DIR, SCHEMA_PATH } from '../package-files.ts';
import { type ConnectionTarget, explainConnectionError } from '../sql/explain-connection-error.ts';
import { createDatabaseRefusal } from './create-database-privilege.ts';
import { runOnExit } from './exit-helper.ts';
import { checkHarnessVariables } from './harness-variables.ts';
import { currentOwnerTag } from './owner-tag.ts';
import type { ReadyClones } from './ready-clones.ts';
import { findKept, reapAbandonedDatabases } from './reaper.ts';
import { parseRunSetup, RUN_SETUP_VARIABLE } from './run-setup-variable.ts';
import { type ProviderName, startServer } from './servers/provider.ts';
import { ensureTemplate, type TemplateSource, templateSourceHash } from './template.ts';

export { RUN_SETUP_VARIABLE };

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

/** This package's own data model. */
export const DATA_MODEL: TemplateSource = {
  migrationsDir: MIGRATIONS_DIR,
  schemaPath: SCHEMA_PATH,
};

/**
 * Starts the run's server and builds (or finds) its template; `teardown` stops
 * what was started. Until then, an exit or a SIGINT or SIGTERM stops it too:
 * a throwaway server with everything on it, or on an external server, the
 * databases and schemas of this run.
 */
export async function setUpRun(
  env: NodeJS.ProcessEnv = process.env,
  source: TemplateSource = DATA_MODEL,
): Promise<{ setup: RunSetup; teardown: () => Promise<void> }> {
  checkHarnessVariables(env);
  const owner = currentOwnerTag();
  // A throwaway cluster may come from the cluster cache with this template in it: it is then found complete below.
  const server = await startServer(env, {
    key: () => templateSourceHash(source),
    prepare: async (url) => {
      await ensureTemplate(url, source, owner);
    },
  });
  // A throwaway server takes its databases along when it stops; an external one stays, and so would they.
  const forgetOnExit =
    server.provider === 'external' ? runOnExit({ adminUrl: server.adminUrl.toString(), owner }) : () => {};
  try {
    let setup: RunSetup;
    try {
      await reapAbandonedDatabases(server.adminUrl);
      // A server where this role may not create databases still serves `schema` isolation.
      const template = await ensureTemplate(server.adminUrl, source, owner);
      // A template found complete was built by another role, maybe: whether this one may clone it is asked apart.
      const refused = template.refused ?? (await createDatabaseRefusal(server.adminUrl));
      setup = {
        provider: server.provider,
        adminUrl: server.adminUrl.toString(),
        template: template.name,
        ...(refused !== undefined && { templateRefused: redactPasswords(refused) }),
        source,
        owner,
      };
    } catch (error) {
      throw explainConnectionError(error, connectionTarget(server.provider, server.adminUrl));
    }
    return {
      setup,
      // By the end of a run its workers are done: whatever carries its tag is abandoned now.
      teardown: async () => {
        let keepServer = false;
        try {
          await reapAbandonedDatabases(server.adminUrl, { finishedOwner: owner });
          keepServer = server.provider !== 'external' && (await findKept(server.adminUrl)).length > 0;
        } finally {
          forgetOnExit();
          if (keepServer) {
            server.leave();
            noticeServerKept(server.provider, server.adminUrl);
          } else await server.stop();
        }
      },
    };
  } catch (error) {
    forgetOnExit();
    await server.stop();
    throw error;
  }
}

/**
 * Databases kept after failed tests live on this run's server: stopping a
 * throwaway server would throw them away. It stays up until the next run
 * starts, which reaps it as abandoned.
 */
function noticeServerKept(provider: ProviderName, adminUrl: URL): void {
  const shown = envFlag(process.env, 'FIXTURES_SHOW_PASSWORD')
    ? adminUrl.toString()
    : redactPasswords(adminUrl.toString());
  process.stderr.write(
    `fixtures: the ${provider} PostgreSQL server stays up at ${shown} for the databases kept after failed tests (FIXTURES_KEEP_FAILED=1); the next run removes it.\n`,
  );
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
