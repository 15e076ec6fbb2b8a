/**
 * Once per test run: a PostgreSQL server (TEST_DATABASE_URL, or one started
 * from the machine's binaries) and a template database migrated by the real
 * `prisma migrate deploy`, which each test file clones. Every database of the
 * run is named `fixtures_test_<run>_…`, so the teardown drops this run's
 * databases and never another run's on a shared server.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type StartedSystemPostgres, startSystemPostgres } from '../../src/harness/servers/system-postgres.ts';
import { quoteIdentifier } from '../../src/sql/quote-identifier.ts';
import { runPrisma } from './run-cli.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test server's `postgres` database. */
    serverUrl: string;
    /** `fixtures_test_<run>_`: the prefix of every database this run creates. */
    databasePrefix: string;
    /** The migrated database each test file clones. */
    templateDatabase: string;
  }
}

async function onServer<T>(url: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  const server: StartedSystemPostgres | undefined = external ? undefined : await startSystemPostgres();
  const serverUrl = server?.url ?? new URL(external as string);
  const databasePrefix = `fixtures_test_${randomBytes(4).toString('hex')}_`;
  const templateDatabase = `${databasePrefix}template`;

  const teardown = async () => {
    await onServer(serverUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [databasePrefix],
      );
      for (const { datname } of rows)
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
    }).finally(() => server?.stop());
  };

  try {
    const templateUrl = new URL(serverUrl);
    templateUrl.pathname = `/${templateDatabase}`;
    const migrate = await runPrisma(['migrate', 'deploy'], { env: { DATABASE_URL: templateUrl.toString() } });
    if (migrate.code !== 0) {
      throw new Error(`prisma migrate deploy failed while building the test template:\n${migrate.output}`);
    }
  } catch (error) {
    await teardown();
    throw error;
  }

  project.provide('serverUrl', serverUrl.toString());
  project.provide('databasePrefix', databasePrefix);
  project.provide('templateDatabase', templateDatabase);
  return teardown;
}
