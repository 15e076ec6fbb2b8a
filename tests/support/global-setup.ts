/**
 * Once per test run: a PostgreSQL server (TEST_DATABASE_URL, or one started
 * from the machine's binaries) and a template database migrated by the real
 * `prisma migrate deploy`, which each test file clones.
 */

import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type StartedSystemPostgres, startSystemPostgres } from '../../src/harness/servers/system-postgres.ts';
import { runPrisma } from './run-cli.ts';

export const TEMPLATE_DATABASE = `fixtures_test_template_${process.pid}`;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test server's `postgres` database. */
    serverUrl: string;
    /** The migrated database each test file clones. */
    templateDatabase: string;
    /** The server's major version. */
    serverVersion: number;
  }
}

let server: StartedSystemPostgres | undefined;

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  if (!external) server = await startSystemPostgres();
  const serverUrl = external ? new URL(external) : (server as StartedSystemPostgres).url;

  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  const version = Number((await admin.query('SHOW server_version_num')).rows[0].server_version_num) / 10000;
  await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}"`);
  await admin.end();

  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  const migrate = await runPrisma(['migrate', 'deploy'], { env: { DATABASE_URL: templateUrl.toString() } });
  if (migrate.code !== 0)
    throw new Error(`prisma migrate deploy failed while building the test template:\n${migrate.output}`);

  project.provide('serverUrl', serverUrl.toString());
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  project.provide('serverVersion', Math.floor(version));

  return async () => {
    const cleaner = new pg.Client({ connectionString: serverUrl.toString() });
    await cleaner.connect();
    const { rows } = await cleaner.query(
      "SELECT datname FROM pg_database WHERE datname LIKE 'fixtures\\_test\\_%' OR datname LIKE 'prisma\\_migrate\\_shadow\\_db\\_%'",
    );
    for (const { datname } of rows) await cleaner.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await cleaner.end();
    await server?.stop();
  };
}
