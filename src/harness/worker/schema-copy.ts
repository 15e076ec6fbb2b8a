/**
 * A test schema made from the template schema without Prisma's engine, so
 * without the database-wide migration lock the engine takes (advisory lock
 * 72707369), which made parallel workers wait on each other and time out.
 *
 * PostgreSQL cannot copy a schema, so the migration scripts are replayed,
 * each sent whole as the engine sends it (one simple-protocol query), with
 * `search_path` on the new schema as the engine sets it from `?schema=`.
 * `_prisma_migrations` is not ours to write: the table and its rows are
 * copied from the template schema, where the engine wrote them.
 *
 * All of it is one transaction, marker included: a schema exists complete and
 * marked, or not at all, whenever its process is killed.
 */
import type pg from 'pg';
import { inTransaction } from '../../sql/in-transaction.ts';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import type { TemplateSource } from '../shared/apply-migrations.ts';
import { type DatabaseMarker, writeSchemaMarker } from '../shared/database-marker.ts';
import { readMigrationsList } from '../shared/migrations-list.ts';

/** The migration scripts of `source`, in order; `undefined` when one cannot be read (the engine then reports it). */
export async function readMigrationScripts(source: TemplateSource): Promise<string[] | undefined> {
  const { migrationDirectories } = await readMigrationsList(source.migrationsDir);
  const scripts: string[] = [];
  for (const { migrationFile } of migrationDirectories) {
    if (migrationFile.content.tag !== 'ok') return undefined;
    scripts.push(migrationFile.content.value);
  }
  return scripts;
}

export interface SchemaCopy {
  /** The template schema, complete (template-schema.ts). */
  readonly template: string;
  readonly name: string;
  readonly scripts: readonly string[];
  readonly marker: DatabaseMarker;
}

/** Creates the schema `name` as a copy of `template`, in the database `client` is connected to. */
export async function copySchema(
  client: pg.ClientBase,
  { template, name, scripts, marker }: SchemaCopy,
): Promise<void> {
  const schema = quoteIdentifier(name);
  await inTransaction(client, async () => {
    await client.query(`CREATE SCHEMA ${schema}`);
    await writeSchemaMarker(client, name, marker);
    await client.query(
      `CREATE TABLE ${schema}._prisma_migrations (LIKE ${quoteIdentifier(template)}._prisma_migrations INCLUDING ALL)`,
    );
    await client.query(`SET LOCAL search_path TO ${schema}`);
    for (const script of scripts) await client.query(script);
    await client.query(
      `INSERT INTO ${schema}._prisma_migrations SELECT * FROM ${quoteIdentifier(template)}._prisma_migrations`,
    );
  });
}
