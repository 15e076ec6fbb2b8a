/**
 * Databases for one test file: clones of the migrated template, or empty ones,
 * on the run's server, all named `fixtures_test_*` and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  readonly name: string;
  /** Superuser URL of this database. */
  readonly url: string;
  drop(): Promise<void>;
}

/** A URL on the run's server with `database` in place of `postgres`. */
export function serverUrlFor(database: string): string {
  const url = new URL(inject('serverUrl'));
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('serverUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(template: string | undefined): Promise<TestDatabase> {
  const name = `fixtures_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
  return {
    name,
    url: serverUrlFor(name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

/** A fresh database with every migration applied. */
export function migratedDatabase(): Promise<TestDatabase> {
  return createDatabase(inject('templateDatabase'));
}

/** A fresh database with nothing in it. */
export function emptyDatabase(): Promise<TestDatabase> {
  return createDatabase(undefined);
}
