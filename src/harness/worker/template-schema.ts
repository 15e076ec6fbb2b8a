/**
 * The template schema: for `schema` isolation, one schema migrated once
 * through Prisma's engine in the admin URL's database, named like the
 * template database (`fixtures_tpl_<hash>`), which every test schema is
 * copied from (schema-copy.ts). Only its build takes Prisma's database-wide
 * migration lock; the copies do not.
 *
 * It follows the template database's rules: built under a name of its
 * builder's, marked complete and renamed to its own in one transaction, an
 * advisory lock for racing processes, and a schema of its name without the
 * harness's marker refused, never dropped.
 */

import type pg from 'pg';
import { databaseName } from '../../config/database-url.ts';
import { inTransaction } from '../../sql/in-transaction.ts';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import createDebug from '../../text/debug.ts';
import { applyMigrations, MigrationError, type TemplateSource } from '../shared/apply-migrations.ts';
import { writeSchemaMarker } from '../shared/database-marker.ts';
import { templateBuildName } from '../shared/names.ts';
import { TemplateBuildError, type TemplateState, templateState } from '../shared/template-identity.ts';
import { serverOf, UnmarkedLookalikeError } from '../shared/unmarked-lookalike.ts';
import { schemaUrl } from './schema-url.ts';

const debug = createDebug('fixtures:template');

async function schemaState(client: pg.ClientBase, name: string): Promise<TemplateState> {
  const { rows } = await client.query<{ comment: string | null }>(
    "SELECT obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = $1",
    [name],
  );
  return templateState(rows);
}

/**
 * Makes sure the schema `name` in the database of `adminUrl` (which `client`
 * is connected to) is the complete template of `source`, building it if needed.
 */
export async function ensureTemplateSchema(
  client: pg.ClientBase,
  adminUrl: URL,
  name: string,
  source: TemplateSource,
  owner: string,
): Promise<void> {
  const lock = `fixtures:template-schema:${name}`;
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
  try {
    const state = await schemaState(client, name);
    if (state === 'complete') return;
    if (state === 'foreign') {
      throw new UnmarkedLookalikeError(
        'schema',
        name,
        `${serverOf(adminUrl)}, database ${databaseName(adminUrl) || 'postgres'}`,
      );
    }
    if (state === 'incomplete') await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`);
    await build(client, adminUrl, name, source, owner);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);
  }
}

async function build(client: pg.ClientBase, adminUrl: URL, name: string, source: TemplateSource, owner: string) {
  const started = performance.now();
  const building = templateBuildName(name, owner);
  await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(building)} CASCADE`);
  // Created and marked in one transaction: there is no moment where it exists unmarked.
  await inTransaction(client, async () => {
    await client.query(`CREATE SCHEMA ${quoteIdentifier(building)}`);
    await writeSchemaMarker(client, building, { kind: 'template', complete: false });
  });
  try {
    await applyMigrations(schemaUrl(adminUrl, building), source, `the template schema ${name}`);
    await inTransaction(client, async () => {
      await writeSchemaMarker(client, building, { kind: 'template', complete: true });
      await client.query(`ALTER SCHEMA ${quoteIdentifier(building)} RENAME TO ${quoteIdentifier(name)}`);
    });
  } catch (error) {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(building)} CASCADE`).catch(() => {});
    if (!(error instanceof MigrationError)) throw error;
    throw new TemplateBuildError(
      `${error.message}\nFix the migration named above, then run again (the half-built template schema was dropped).`,
    );
  }
  debug('built the template schema %s in %d ms', name, Math.round(performance.now() - started));
}
