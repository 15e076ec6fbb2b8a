/**
 * What happens once per test run, in one process: start (or find) the server
 * and make sure the template is built. The result is plain data, so a test
 * runner can hand it to its workers: `FIXTURES_HARNESS` in the environment,
 * which they inherit, whatever the runner.
 */
import { redactPasswords } from '../../config/database-url.ts';
import { envFlag } from '../../config/env-options.ts';
import { MIGRATIONS_DIR, SCHEMA_PATH } from '../../package-files.ts';
import { explainConnectionError } from '../../sql/explain-connection-error.ts';
import { currentOwnerTag } from '../shared/owner-tag.ts';
import { connectionTarget, type ProviderName, type RunSetup } from '../shared/run-channel.ts';
import { templateSourceHash } from '../shared/template-identity.ts';
import { createDatabaseRefusal } from './create-database-privilege.ts';
import { runOnExit } from './exit-helper.ts';
import { checkHarnessVariables } from './harness-variables.ts';
import { findKept, reapAbandonedDatabases } from './reaper.ts';
import { type StartedServer, startServer } from './servers/provider.ts';
import { ensureTemplate, type TemplateSource } from './template.ts';

/** This package's own data model. */
export const DATA_MODEL: TemplateSource = {
  migrationsDir: MIGRATIONS_DIR,
  schemaPath: SCHEMA_PATH,
};

/** A started run: the setup its workers receive, and the one way to end it. */
export interface StartedRun extends AsyncDisposable {
  readonly setup: RunSetup;
  /**
   * Drops whatever carries the run's tag (its workers are done by now), then
   * stops the server the run started, or leaves it up when databases were
   * kept on it. Safe to call twice: once the run has stopped, a second call
   * does nothing (one under way is waited for); a server left up for kept
   * databases is looked at again, and stopped if none is left.
   */
  stop(): Promise<void>;
}

/**
 * Starts the run's server and builds (or finds) its template. Until the run
 * is stopped, an exit or a SIGINT or SIGTERM stops it too: a throwaway server
 * with everything on it, or on an external server, the databases and schemas
 * of this run.
 *
 * @example
 * await using run = await startRun();
 */
export async function startRun(
  env: NodeJS.ProcessEnv = process.env,
  source: TemplateSource = DATA_MODEL,
): Promise<StartedRun> {
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
    let stopping: Promise<'stopped' | 'left'> | undefined;
    const stop = async () => {
      stopping ??= stopRun(server, owner, forgetOnExit);
      const outcome = await stopping;
      if (outcome === 'left') stopping = undefined;
    };
    return { setup, stop, [Symbol.asyncDispose]: stop };
  } catch (error) {
    forgetOnExit();
    await server.stop();
    throw error;
  }
}

/** By the end of a run its workers are done: whatever carries its tag is abandoned now. */
async function stopRun(server: StartedServer, owner: string, forgetOnExit: () => void): Promise<'stopped' | 'left'> {
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
  return keepServer ? 'left' : 'stopped';
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
