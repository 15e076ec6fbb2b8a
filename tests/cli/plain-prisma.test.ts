/**
 * Plain `npx prisma …` in this repository, not through our command: the
 * repository's prisma.config.ts selects the offline engine the way
 * `ctoprojects-fixtures prisma` does, so it runs with no engine download
 * (this machine reaches no download host: an attempt would fail the command).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { runNode } from '../support/run-cli.ts';

const PRISMA_CLI = 'node_modules/prisma/build/index.js';

describe('plain npx prisma in this repository', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await emptyDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('applies the migrations and reports their status with the offline engine', async () => {
    const env = { DATABASE_URL: database.url, FIXTURES_ENV_FILE: 'none', FIXTURES_SCHEMA_ENGINE: undefined };
    const deploy = await runNode([PRISMA_CLI, 'migrate', 'deploy'], { env });
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toContain('All migrations have been successfully applied.');

    const status = await runNode([PRISMA_CLI, 'migrate', 'status'], { env });
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain('Database schema is up to date!');
    expect(status.output).not.toMatch(/schema-engine\.gz|binaries\.prisma|download/i);
  });
});
