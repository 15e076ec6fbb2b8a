import type pg from 'pg';
import { onDatabase } from '../../config/database-url.ts';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import { withClient } from '../../sql/with-client.ts';
import createDebug from '../../text/debug.ts';
import { applyMigrations, MigrationError, type TemplateSource } from '../shared/apply-migrations.ts';
import { writeDatabaseMarker } from '../shared/database-marker.ts';
import { templateBuildName } from '../shared/names.ts';
import { currentOwnerTag } from '../shared/owner-tag.ts';
import { TemplateBuildError, templateName, templateState } from '../shared/template-identity.ts';
import { serverOf, UnmarkedLookalikeError } from '../shared/unmarked-lookalike.ts';

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
