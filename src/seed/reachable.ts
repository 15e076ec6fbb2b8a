/**
 * Before seeding, one plain `pg` login: Prisma reports a stopped server, a
 * refused password and a missing table alike as a failed query, and the seed
 * would then hint at the wrong fix (migrating a server that is not there).
 * Each failure here names the server, the variable and the next step, and
 * never the password.
 */
import { fixturesCommand } from '../cli/command-hint.ts';
import { devServerSettings, isDevServer } from '../cli/dev-server.ts';
import { databaseName, withoutPrismaParameters } from '../config/database-url.ts';
import { connectTimeoutMs } from '../sql/timeouts.ts';
import { withClient } from '../sql/with-client.ts';

/** The seed could not log in: the server is not reachable, refused the login, or has no such database. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/** Network failures, by the code Node.js gives them, as the words a person would use. */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name does not resolve',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
};

/** Throws a {@link DatabaseUnreachableError} unless the seed can log in to `url`'s database. */
export async function assertReachable(url: URL, variable: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    // withClient gives up after FIXTURES_CONNECT_TIMEOUT_MS (sql/timeouts.ts), as every connection of the package does.
    await withClient(withoutPrismaParameters(url).toString(), async () => {});
  } catch (error) {
    const explained = explain(error as Error & { code?: string }, url, variable, env);
    if (explained) throw new DatabaseUnreachableError(explained);
    throw error;
  }
}

function explain(
  error: Error & { code?: string },
  url: URL,
  variable: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const server = `${url.hostname || url.searchParams.get('host') || 'localhost'}:${url.port || 5432}`;
  const user = decodeURIComponent(url.username) || 'postgres';
  const devServer = isDevServerOf(url, env);
  const unreachable =
    UNREACHABLE[error.code ?? ''] ??
    (/timeout/i.test(error.message) ? `no answer within ${connectTimeoutMs(env) / 1000} s` : undefined);
  if (unreachable) {
    return (
      `the server at ${server} (${variable}) is not reachable (${unreachable}). Nothing was written. ` +
      (devServer
        ? `It is the development server: start it with ${fixturesCommand('db:up')}.`
        : `Start your server, or check ${variable}.`)
    );
  }
  if (error.code === '28P01' || /client password must be a string/.test(error.message)) {
    const why = error.code === '28P01' ? 'password authentication failed' : `${variable} gives no password`;
    return `the server at ${server} refused the user "${user}" (${why}): check the user and password in ${variable}. Nothing was written.`;
  }
  if (error.code === '28000') {
    return `the server at ${server} refused the user "${user}" (${error.message}): check the user in ${variable}. Nothing was written.`;
  }
  if (error.code === '3D000') {
    return (
      `the server at ${server} has no database "${databaseName(url)}" (${variable}). Nothing was written. ` +
      (devServer
        ? `Run ${fixturesCommand('db:up')}, which creates it.`
        : `Create it (createdb ${databaseName(url)}), or check ${variable}.`)
    );
  }
  return undefined;
}

/** Whether `url` is the development server of `db:up`; a malformed FIXTURES_DEV_PORT just means it is not. */
function isDevServerOf(url: URL, env: NodeJS.ProcessEnv): boolean {
  try {
    return isDevServer(url, devServerSettings(env));
  } catch {
    return false;
  }
}
