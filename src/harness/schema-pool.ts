/**
 * `schema` isolation: a fresh PostgreSQL schema per test file (or per
 * `withDatabase` call) in the admin URL's database, for servers that do not
 * let the harness create databases. PostgreSQL cannot copy a schema the way
 * it copies a database from a template, so each schema is migrated through
 * Prisma's engine with `search_path` set to it (`apply-migrations.ts`):
 * `_prisma_migrations` in it is what `prisma migrate deploy` writes. That
 * takes a few hundred milliseconds, so a few are prepared ahead in the
 * background. Every schema carries the harness's marker and is dropped when
 * released or when the pool closes; the reaper drops those of dead processes.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import createDebug from 'debug';
import pg from 'pg';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { adminConnection } from '../sql/timeouts.ts';
import { applyMigrations, type TemplateSource } from './apply-migrations.ts';
import { writeSchemaMarker } from './database-marker.ts';
import type { DatabasePool, IsolatedDatabase } from './isolation.ts';
import { closeLeftoverConnections, LeftoverConnectionsError } from './leftover-connections.ts';
import { schemaUrl } from './schema-url.ts';

const debug = createDebug('fixtures:schema');

/** The prefix of every schema `schema` isolation creates; the reaper looks only at these. */
export const SCHEMA_PREFIX = 'fixtures_schema_';

export interface SchemaPoolOptions {
  /** A URL on the database the schemas go in, as a role that may create schemas there. */
  readonly adminUrl: URL;
  /** The data model to migrate each schema to. */
  readonly source: TemplateSource;
  /** How many schemas to keep ready; 0 makes them on demand only. */
  readonly size?: number;
}

export class SchemaPool implements DatabasePool {
  readonly #adminUrl: URL;
  readonly #admin: pg.Pool;
  readonly #source: TemplateSource;
  readonly #size: number;
  readonly #ready: Promise<string>[] = [];
  #closed = false;

  constructor({ adminUrl, source, size = 2 }: SchemaPoolOptions) {
    this.#adminUrl = adminUrl;
    this.#admin = new pg.Pool({ ...adminConnection(adminUrl), max: 1, allowExitOnIdle: true });
    this.#source = source;
    this.#size = size;
    this.#refill();
  }

  /** A fresh, migrated schema: one of those prepared, or one made now. */
  async acquire(): Promise<IsolatedDatabase> {
    if (this.#closed) throw new Error('This schema pool is closed: acquire a schema before closing it.');
    const next = this.#ready.shift() ?? this.#create();
    this.#refill();
    const name = await next;
    return { name, url: schemaUrl(this.#adminUrl, name).toString(), isolation: 'schema' };
  }

  /**
   * Drops a schema this pool handed out. Connections a test left open on it
   * are closed first (they could hold locks DROP SCHEMA waits for) and reported
   * afterwards, by a {@link LeftoverConnectionsError}.
   */
  async release(name: string): Promise<void> {
    const started = performance.now();
    const client = await this.#admin.connect();
    try {
      const leftovers = await closeLeftoverConnections(client, { applicationName: name });
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`);
      debug('dropped %s in %d ms', name, Math.round(performance.now() - started));
      if (leftovers.length > 0) throw new LeftoverConnectionsError(`the schema ${name}`, leftovers);
    } finally {
      client.release();
    }
  }

  /** Keeps a schema after the run: its marker says `kept`, so no reaper drops it. */
  async keep(name: string): Promise<void> {
    const client = await this.#admin.connect();
    try {
      await writeSchemaMarker(client, name, { kind: 'schema', host: hostname(), pid: process.pid, kept: true });
    } finally {
      client.release();
    }
  }

  /** Drops the schemas prepared and not handed out, and closes the admin connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const prepared = await Promise.allSettled(this.#ready.splice(0));
    for (const schema of prepared) {
      if (schema.status === 'fulfilled')
        await this.#admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema.value)} CASCADE`);
    }
    await this.#admin.end();
  }

  #refill(): void {
    while (!this.#closed && this.#ready.length < this.#size) {
      const schema = this.#create();
      schema.catch(() => {}); // surfaced to whoever acquires it
      this.#ready.push(schema);
    }
  }

  async #create(): Promise<string> {
    const name = `${SCHEMA_PREFIX}${process.pid}_${randomBytes(5).toString('hex')}`;
    const started = performance.now();
    const client = await this.#admin.connect();
    try {
      // Marked before migrating: a process killed half-way leaves a schema the reaper recognises.
      await client.query(`CREATE SCHEMA ${quoteIdentifier(name)}`);
      await writeSchemaMarker(client, name, { kind: 'schema', host: hostname(), pid: process.pid });
    } finally {
      client.release();
    }
    try {
      await applyMigrations(schemaUrl(this.#adminUrl, name), this.#source, `the schema ${name}`);
    } catch (error) {
      await this.#admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`).catch(() => {});
      throw error;
    }
    debug('created and migrated %s in %d ms', name, Math.round(performance.now() - started));
    return name;
  }
}
