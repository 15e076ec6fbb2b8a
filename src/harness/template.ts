/**
 * The template: one database per distinct schema, migrated once through
 * Prisma's own engine (so `_prisma_migrations` is exactly what `prisma migrate
 * deploy` writes), which every test database is cloned from.
 *
 * Its name carries a hash of everything that shapes it (the migrations, the
 * Prisma schema, the server's version), so a matching template on a
 * persistent server is reused across runs and any change builds a new one. A
 * marker comment says "complete" only after the last migration: a template
 * left half-built by a crash is dropped and rebuilt. An advisory lock makes
 * processes that race to build it wait for the first.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import createDebug from 'debug';
import type pg from 'pg';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import { applyMigrations, MigrationError, type TemplateSource } from './apply-migrations.ts';
import { readDatabaseMarker, writeDatabaseMarker } from './database-marker.ts';
import { readMigrationsList } from './migrations-list.ts';

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

async function templateName(client: pg.Client, source: TemplateSource): Promise<string> {
  const hash = createHash('sha256');
  const migrations = await readMigrationsList(source.migrationsDir);
  for (const directory of migrations.migrationDirectories) {
    hash.update(directory.path).update('\0').update(JSON.stringify(directory.migrationFile.content)).update('\0');
  }
  hash.update(await readFile(source.schemaPath, 'utf8'));
  hash.update((await client.query('SHOW server_version_num')).rows[0].server_version_num);
  return `fixtures_tpl_${hash.digest('hex').slice(0, 16)}`;
}

/** Returns the template for `source` on the server of `adminUrl`, building it if needed. */
export async function ensureTemplate(adminUrl: URL, source: TemplateSource): Promise<Template> {
  return withClient(adminUrl.toString(), async (client) => {
    const name = await templateName(client, source);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`fixtures:template:${name}`]);
    try {
      const marker = await readDatabaseMarker(client, name);
      if (marker?.kind === 'template' && marker.complete) {
        debug('reusing %s', name);
        return { name, built: false };
      }
      try {
        await build(client, adminUrl, name, source);
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

async function build(client: pg.Client, adminUrl: URL, name: string, source: TemplateSource): Promise<void> {
  const started = performance.now();
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  await writeDatabaseMarker(client, name, { kind: 'template', complete: false });

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    await applyMigrations(url, source, `the template ${name}`);
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    throw new TemplateBuildError(
      `${error.message}\nFix the migration named above, then run again (the half-built template is rebuilt).`,
    );
  }
  await writeDatabaseMarker(client, name, { kind: 'template', complete: true });
  debug('built %s in %d ms', name, Math.round(performance.now() - started));
}
