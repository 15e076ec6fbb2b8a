/**
 * FIXTURES_KEEP_FAILED=1: the database (or schema) of a failed test is kept,
 * with what the test wrote, and one line on stderr says how to open it. Its
 * marker says `kept`, so no reaper drops it; a person does (docs/harness.md,
 * "Kept databases").
 */
import { redactPasswords } from '../../config/database-url.ts';
import { envFlag } from '../../config/env-options.ts';
import type { DatabasePool, IsolatedDatabase } from './isolation.ts';
import { psqlUrl } from './schema-url.ts';

export function keepFailedEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return envFlag(env, 'FIXTURES_KEEP_FAILED');
}

/** The line printed for a kept database: its `psql` command, password shown only with FIXTURES_SHOW_PASSWORD=1. */
export function keptNotice(database: IsolatedDatabase, failed: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = psqlUrl(database.url);
  const shown = envFlag(env, 'FIXTURES_SHOW_PASSWORD') ? url : redactPasswords(url);
  const drop =
    database.isolation === 'schema'
      ? `DROP SCHEMA "${database.name}" CASCADE`
      : `DROP DATABASE "${database.name}" WITH (FORCE)`;
  return (
    `fixtures: kept ${database.isolation === 'schema' ? 'the schema' : 'the database'} ${database.name} of ${failed} ` +
    `(FIXTURES_KEEP_FAILED=1): psql '${shown}' — drop it when done: ${drop}`
  );
}

/** Marks `database` kept and says how to open it. */
export async function keepFailed(pool: DatabasePool, database: IsolatedDatabase, failed: string): Promise<void> {
  await pool.keep(database.name);
  // The one deliberate write to stderr: a person asked for this line, and it must reach them whatever the runner.
  process.stderr.write(`${keptNotice(database, failed)}\n`);
}
