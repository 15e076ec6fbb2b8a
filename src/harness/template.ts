/**
 * The template: one database per distinct schema, migrated once through
 * Prisma's own engine (so `_prisma_migrations` is exactly what `prisma migrate
 * deploy` writes), which every test database is cloned from.
 *
 * Its name carries a hash of everything that shapes it (the migrations, the
 * Prisma schema, the server's version), so a matching template on a
 * persistent server is reused across runs and any change builds a new one.
 * It is built under a name of its builder's (`fixtures_tpl_<hash>_<owner>`),
 * marked complete after the last migration and only then renamed to its own:
 * a crash half-way leaves a database the reaper knows for its dead builder's,
 * and a failed migration drops it. An advisory lock makes processes that race
 * to build it wait for the first. A database that has the template's name
 * without its marker is someone else's: the harness refuses to touch it.
 */
import { createHash, type Hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { onDatabase } from '../config/database-url.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import createDebug from '../text/debug.ts';
import { applyMigrations, MigrationError, type TemplateSource } from './apply-migrations.ts';
import { parseDatabaseMarker, writeDatabaseMarker } from './database-marker.ts';
import { TEMPLATE_PREFIX, templateBuildName } from './harness-names.ts';
import { readMigrationsList } from './migrations-list.ts';
import { currentOwnerTag } from './owner-tag.ts';
import { serverOf, UnmarkedLookalikeError } from './unmarked-lookalike.ts';

const debug = createDebug('fixtures:template');

export type { TemplateSource };

export interface Template {
  /** The template database's name, `fixtures_tpl_<hash>`. */
  readonly name: string;
  /** Whether this call built it (false: it was there, complete, from an earlier run or process). */
  readonly built: boolean;
  /**
   * PostgreSQL's refusal when this role may not create databases (SQLSTATE
   * 42501): there is no template then, and only `schema` isolation works.
   */
  readonly refused?: string;
}

/** SQLSTATE 42501: the role lacks a privilege (here, CREATEDB). */
const INSUFFICIENT_PRIVILEGE = '42501';

/** Building the template failed; the message names the migration and PostgreSQL's error. */
export class TemplateBuildError extends Error {
  override name = 'TemplateBuildError';
}

async function hashSource(source: TemplateSource): Promise<Hash> {
  const hash = createHash('sha256');
  const migrations = await readMigrationsList(source.migrationsDir);
  for (const directory of migrations.migrationDirectories) {
    hash.update(directory.path).update('\0').update(JSON.stringify(directory.migrationFile.content)).update('\0');
  }
  return hash.update(await readFile(source.schemaPath, 'utf8'));
}

/** `fixtures_tpl_<hash>`: the template's name for `source` on the server of `client`. */
export async function templateName(client: pg.ClientBase, source: TemplateSource): Promise<string> {
  const hash = await hashSource(source);
  hash.update((await client.query('SHOW server_version_num')).rows[0].server_version_num);
  return `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 16)}`;
}

/**
 * A hash of all that shapes the template of `source` but the server: the
 * migrations and the schema. The cluster cache keys a cluster with the
 * template built in it by this (and by the server's binaries).
 */
export async function templateSourceHash(source: TemplateSource): Promise<string> {
  return (await hashSource(source)).digest('hex');
}

/**
 * What is at the template's name: nothing, the complete template, one an
 * older version left half-built (marked incomplete, under its own name), or
 * someone else's database.
 */
export type TemplateState = 'absent' | 'complete' | 'incomplete' | 'foreign';

export function templateState(rows: readonly { comment: string | null }[]): TemplateState {
  const [row] = rows;
  if (!row) return 'absent';
  const marker = parseDatabaseMarker(row.comment);
  if (marker?.kind !== 'template') return 'foreign';
  return marker.complete ? 'complete' : 'incomplete';
}

/**
 * Returns the template for `source` on the server of `adminUrl`, building it
 * if needed under a name carrying `owner` (the run's tag). Throws an
 * {@link UnmarkedLookalikeError} when a database of that name is not the harness's.
 */
export async function ensureTemplate(
  adminUrl: URL,
  source: TemplateSource,
  owner: string = currentOwnerTag(),
): Promise<Template> {
  return withClient(adminUrl.toString(), async (client) => {
    const name = await templateName(client, source);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`fixtures:template:${name}`]);
    try {
      const { rows } = await client.query<{ comment: string | null }>(
        "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
        [name],
      );
      const state = templateState(rows);
      if (state === 'complete') {
        debug('reusing %s', name);
        return { name, built: false };
      }
      if (state === 'foreign') throw new UnmarkedLookalikeError('database', name, serverOf(adminUrl));
      try {
        // Marked incomplete, and we hold the lock its builder held: an older version's crash left it.
        if (state === 'incomplete') await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
        await build(client, adminUrl, name, source, owner);
      } catch (error) {
        if ((error as pg.DatabaseError).code !== INSUFFICIENT_PRIVILEGE) throw error;
        debug('cannot build %s: %s', name, (error as Error).message);
        return { name, built: false, refused: (error as Error).message };
      }
      return { name, built: true };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`fixtures:template:${name}`]);
    }
  });
}

async function build(client: pg.Client, adminUrl: URL, name: string, source: TemplateSource, owner: string) {
  const started = performance.now();
  const building = templateBuildName(name, owner);
  // Ours by its name, and under our lock: what a failed drop of this same process left.
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(building)} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${quoteIdentifier(building)}`);
  try {
    await writeDatabaseMarker(client, building, { kind: 'template', complete: false });
    await applyMigrations(onDatabase(adminUrl, building), source, `the template ${name}`);
    await writeDatabaseMarker(client, building, { kind: 'template', complete: true });
    // The comment goes with the database: the template's name only ever holds a complete, marked template.
    await client.query(`ALTER DATABASE ${quoteIdentifier(building)} RENAME TO ${quoteIdentifier(name)}`);
  } catch (error) {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(building)} WITH (FORCE)`).catch(() => {});
    if (!(error instanceof MigrationError)) throw error;
    throw new TemplateBuildError(
      `${error.message}\nFix the migration named above, then run again (the half-built template was dropped).`,
    );
  }
  debug('built %s in %d ms', name, Math.round(performance.now() - started));
}
