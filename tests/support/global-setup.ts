/**
 * Once per test run: the harness's own run setup (a server from
 * FIXTURES_PROVIDER, or chosen automatically, and the template migrated
 * through Prisma's engine), handed to the workers both through Vitest's
 * `provide` and through FIXTURES_HARNESS, which `withDatabase` reads.
 * Every database the suite's helpers create is named `fixtures_test_<run>_…`,
 * so the teardown drops this run's databases and never another run's.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { collectRunProfile } from '../../src/factories/profile.ts';
import { startRun } from '../../src/harness/run/start-run.ts';
import { publishRunSetup } from '../../src/harness/shared/run-channel.ts';
import { quoteIdentifier } from '../../src/sql/quote-identifier.ts';
import { withClient } from '../../src/sql/with-client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test server's admin database. */
    serverUrl: string;
    /** `fixtures_test_<run>_`: the prefix of every database the suite's helpers create. */
    databasePrefix: string;
    /** The migrated database each test file clones. */
    templateDatabase: string;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = await startRun();
  const databasePrefix = `fixtures_test_${randomBytes(4).toString('hex')}_`;
  publishRunSetup(run.setup);
  project.provide('serverUrl', run.setup.adminUrl);
  project.provide('databasePrefix', databasePrefix);
  project.provide('templateDatabase', run.setup.template);
  const profile = collectRunProfile();

  return async () => {
    profile?.finish();
    await withClient(run.setup.adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [databasePrefix],
      );
      for (const { datname } of rows)
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
    }).finally(run.stop);
  };
}
