/**
 * What names a template and tells it apart, for the run that builds it and
 * the workers that copy it or build its schema twin: its name (a hash of what
 * shapes it), the state of what stands at that name, and the error a failed
 * build raises.
 */
import { createHash, type Hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { TemplateSource } from './apply-migrations.ts';
import { parseDatabaseMarker } from './database-marker.ts';
import { readMigrationsList } from './migrations-list.ts';
import { TEMPLATE_PREFIX } from './names.ts';

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
