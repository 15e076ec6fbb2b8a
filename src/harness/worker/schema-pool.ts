/**
 * `schema` isolation: a fresh PostgreSQL schema per test file (or per
 * `withDatabase` call) in the admin URL's database, for servers that do not
 * let the harness create databases. Each is a copy of the template schema,
 * migrated once through Prisma's engine (template-schema.ts), made without
 * the engine and its database-wide lock (schema-copy.ts), in one transaction
 * with its marker. One is prepared ahead once a process has asked for two
 * (prepared-pool.ts). Every schema is dropped when released or when the pool
 * closes; the reaper drops those of dead owners.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { databaseName } from '../../config/database-url.ts';
import { inTransaction } from '../../sql/in-transaction.ts';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import createDebug from '../../text/debug.ts';
import { applyMigrations, type TemplateSource } from '../shared/apply-migrations.ts';
import { type DatabaseMarker, writeSchemaMarker } from '../shared/database-marker.ts';
import { newSchemaName } from '../shared/names.ts';
import { currentOwnerTag } from '../shared/owner-tag.ts';
import { templateName } from '../shared/template-identity.ts';
import type { ConnectionsOf, LeftoverPlace } from './leftover-connections.ts';
import { type PoolConnections, type PooledKind, PreparedPool } from './prepared-pool.ts';
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

/** How a schema is made, dropped and kept. */
class SchemaKind implements PooledKind {
  readonly isolation = 'schema';
  readonly debugNamespace = 'fixtures:schema';
  readonly closedMessage = 'This schema pool is closed: acquire a schema before closing it.';
  readonly dropsInBackground = false;
  readonly #adminUrl: URL;
  readonly #source: TemplateSource;
  readonly #template: string | undefined;
  readonly #owner: string;
  #prepared: Prepared | undefined;
  /** Cleared when a replay fails: the engine migrates each schema from then on, and says what fails. */
  #replay = true;

  constructor({ adminUrl, source, template, owner = currentOwnerTag() }: SchemaPoolOptions) {
    this.#adminUrl = adminUrl;
    this.#source = source;
    this.#template = template;
    this.#owner = owner;
  }

  /** The template schema, built (or found) once per pool. */
  async start({ admin }: PoolConnections): Promise<void> {
    const client = await admin.connect();
    try {
      const template = this.#template ?? (await templateName(client, this.#source));
      await ensureTemplateSchema(client, this.#adminUrl, template, this.#source, this.#owner);
      this.#prepared = { template, scripts: await readMigrationScripts(this.#source) };
    } finally {
      client.release();
    }
  }

  async make({ admin }: PoolConnections): Promise<string> {
    const prepared = this.#prepared;
    if (!prepared) throw new Error('This schema pool was not opened: open it with SchemaPool.open().');
    const { template, scripts } = prepared;
    const name = newSchemaName(this.#owner);
    const started = performance.now();
    if (scripts && this.#replay) {
      const client = await admin.connect();
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
    await this.#migrate(admin, name);
    debug('created and migrated %s in %d ms', name, Math.round(performance.now() - started));
    return name;
  }

  /** The engine's way: slower, and under its database-wide lock, but whatever the migrations hold. */
  async #migrate(admin: pg.Pool, name: string): Promise<void> {
    const client = await admin.connect();
    try {
      // Created and marked in one transaction: a process killed while migrating leaves a marked schema.
      await inTransaction(client, async () => {
        await client.query(`CREATE SCHEMA ${quoteIdentifier(name)}`);
        await writeSchemaMarker(client, name, this.#marker());
      });
    } finally {
      client.release();
    }
    try {
      await applyMigrations(schemaUrl(this.#adminUrl, name), this.#source, `the schema ${name}`);
    } catch (error) {
      await admin.query(this.dropStatement(name)).catch(() => {});
      throw error;
    }
  }

  #marker() {
    return { kind: 'schema', host: hostname(), pid: process.pid } as const satisfies DatabaseMarker;
  }

  dropStatement(name: string): string {
    return `DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`;
  }

  url(name: string): string {
    return schemaUrl(this.#adminUrl, name).toString();
  }

  /** A schema's connections are told apart by their application_name, which its URL sets to its name. */
  connectionsOf(name: string): ConnectionsOf {
    return { applicationName: name };
  }

  placeOf(name: string): LeftoverPlace {
    return { database: databaseName(this.#adminUrl) || 'postgres', schema: name };
  }

  markKept(client: pg.PoolClient, name: string): Promise<void> {
    return writeSchemaMarker(client, name, { ...this.#marker(), kept: true });
  }
}

/** Migrated schemas in one database, handed out and taken back (prepared-pool.ts). */
export class SchemaPool extends PreparedPool {
  /** A started pool: its template schema built (or found). */
  static async open(options: SchemaPoolOptions): Promise<SchemaPool> {
    const pool = new SchemaPool(options);
    await pool.start();
    return pool;
  }

  private constructor(options: SchemaPoolOptions) {
    super(new SchemaKind(options), options.adminUrl, options.size ?? 1);
  }
}
