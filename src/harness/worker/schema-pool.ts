/**
 * `schema` isolation: a fresh PostgreSQL schema per test file (or per
 * `withDatabase` call) in the admin URL's database, for servers that do not
 * let the harness create databases. Each is a copy of the template schema,
 * migrated once through Prisma's engine (template-schema.ts), made without
 * the engine and its database-wide lock (schema-copy.ts), in one transaction
 * with its marker. One is prepared ahead once a process has asked for two
 * (prepared-ahead.ts). Every schema is dropped when released or when the pool
 * closes; the reaper drops those of dead owners.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { adminPool } from '../../sql/admin-pool.ts';
import { inTransaction } from '../../sql/in-transaction.ts';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import createDebug from '../../text/debug.ts';
import { applyMigrations, type TemplateSource } from '../shared/apply-migrations.ts';
import { type DatabaseMarker, writeSchemaMarker } from '../shared/database-marker.ts';
import { newSchemaName } from '../shared/names.ts';
import { currentOwnerTag } from '../shared/owner-tag.ts';
import { templateName } from '../shared/template-identity.ts';
import type { DatabasePool, IsolatedDatabase } from './isolation.ts';
import { closeLeftoverConnections, LeftoverConnectionsError } from './leftover-connections.ts';
import { PreparedAhead } from './prepared-ahead.ts';
import { copySchema, readMigrationScripts } from './schema-copy.ts';
import { schemaUrl } from './schema-url.ts';
import { ensureTemplateSchema } from './template-schema.ts';

export { SCHEMA_PREFIX } from '../shared/names.ts';

const debug = createDebug('fixtures:schema');

export interface SchemaPoolOptions {
  /** A URL on the database the schemas go in, as a role that may create schemas there. */
  readonly adminUrl: URL;
  /** The data model to migrate each schema to. */
  readonly source: TemplateSource;
  /** The template's name (`fixtures_tpl_<hash>`), which the template schema takes; computed when absent. */
  readonly template?: string;
  /** How many schemas to keep ready once the process has asked for two; 0 makes them on demand only. */
  readonly size?: number;
  /** The tag of the run that owns the schemas (owner-tag.ts); this process's by default. */
  readonly owner?: string;
}

/** The template schema, and the scripts to replay (none when one could not be read: the engine then says why). */
interface Prepared {
  readonly template: string;
  readonly scripts: readonly string[] | undefined;
}

export class SchemaPool implements DatabasePool {
  readonly #adminUrl: URL;
  readonly #admin: pg.Pool;
  readonly #source: TemplateSource;
  readonly #template: string | undefined;
  readonly #owner: string;
  readonly #ahead: PreparedAhead;
  #prepared: Promise<Prepared> | undefined;
  /** Cleared when a replay fails: the engine migrates each schema from then on, and says what fails. */
  #replay = true;
  #closed = false;

  constructor({ adminUrl, source, template, size = 1, owner = currentOwnerTag() }: SchemaPoolOptions) {
    this.#adminUrl = adminUrl;
    this.#admin = adminPool(adminUrl);
    this.#source = source;
    this.#template = template;
    this.#owner = owner;
    this.#ahead = new PreparedAhead(size, () => this.#create());
  }

  /** A fresh, migrated schema: one of those prepared, or one made now. */
  async acquire(): Promise<IsolatedDatabase> {
    if (this.#closed) throw new Error('This schema pool is closed: acquire a schema before closing it.');
    const name = await this.#ahead.take();
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
  /** A schema's connections are told apart by their application_name already: this is `release`. */
  releaseSoon(name: string): Promise<void> {
    return this.release(name);
  }

  async keep(name: string): Promise<void> {
    const client = await this.#admin.connect();
    try {
      await writeSchemaMarker(client, name, { ...this.#marker(), kept: true });
    } finally {
      client.release();
    }
  }

  #marker() {
    return { kind: 'schema', host: hostname(), pid: process.pid } as const;
  }

  /** Drops the schemas prepared and not handed out, and closes the admin connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const name of await this.#ahead.drain()) {
      await this.#admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`);
    }
    await this.#admin.end();
  }

  /** The template schema, built (or found) once per pool; a failure is retried by the next acquire. */
  #prepare(): Promise<Prepared> {
    this.#prepared ??= (async () => {
      const client = await this.#admin.connect();
      try {
        const template = this.#template ?? (await templateName(client, this.#source));
        await ensureTemplateSchema(client, this.#adminUrl, template, this.#source, this.#owner);
        return { template, scripts: await readMigrationScripts(this.#source) };
      } finally {
        client.release();
      }
    })();
    this.#prepared.catch(() => {
      this.#prepared = undefined;
    });
    return this.#prepared;
  }

  async #create(): Promise<string> {
    const { template, scripts } = await this.#prepare();
    const name = newSchemaName(this.#owner);
    const started = performance.now();
    if (scripts && this.#replay) {
      const client = await this.#admin.connect();
      try {
        await copySchema(client, { template, name, scripts, marker: this.#marker() });
        debug('copied %s from %s in %d ms', name, template, Math.round(performance.now() - started));
        return name;
      } catch (error) {
        // A migration that cannot share one transaction with the others, say: the engine's way still works.
        debug(
          'replaying the migrations into %s failed (%s): migrating through the engine',
          name,
          (error as Error).message,
        );
        this.#replay = false;
      } finally {
        client.release();
      }
    }
    await this.#migrate(name, this.#marker());
    debug('created and migrated %s in %d ms', name, Math.round(performance.now() - started));
    return name;
  }

  /** The engine's way: slower, and under its database-wide lock, but whatever the migrations hold. */
  async #migrate(name: string, marker: DatabaseMarker): Promise<void> {
    const client = await this.#admin.connect();
    try {
      // Created and marked in one transaction: a process killed while migrating leaves a marked schema.
      await inTransaction(client, async () => {
        await client.query(`CREATE SCHEMA ${quoteIdentifier(name)}`);
        await writeSchemaMarker(client, name, marker);
      });
    } finally {
      client.release();
    }
    try {
      await applyMigrations(schemaUrl(this.#adminUrl, name), this.#source, `the schema ${name}`);
    } catch (error) {
      await this.#admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`).catch(() => {});
      throw error;
    }
  }
}
