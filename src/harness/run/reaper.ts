/**
 * Reaps what crashed or killed processes left behind on a server: test
 * databases, test schemas in the admin database, and templates left
 * half-built. It drops only what is the harness's beyond doubt:
 *
 * - a name carrying an owner tag (shared/names.ts) whose owner is provably
 *   gone (owner-tag.ts) or is the run now ending, marked or not: PostgreSQL
 *   finishes a `CREATE DATABASE` whose client was killed, and the marker that
 *   would have followed never comes;
 * - a name of an older version's (no owner in it) that carries the marker,
 *   whose process on this machine is gone;
 * - a template an older version left marked incomplete, that nobody is building.
 *
 * Everything else is left alone, however it is named: a database or schema
 * without the marker and without an owner to check, one whose comment is
 * someone else's, what a live owner is still making, and what was kept after
 * a failed test (FIXTURES_KEEP_FAILED=1), which a person drops.
 */

import type pg from 'pg';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import { withClient } from '../../sql/with-client.ts';
import createDebug from '../../text/debug.ts';
import { isAbandonedBy } from '../shared/abandoned.ts';
import { type DatabaseMarker, parseDatabaseMarker } from '../shared/database-marker.ts';
import {
  CLONE_PREFIX,
  DATABASE_PREFIXES,
  likeAnyOf,
  parseHarnessName,
  SCHEMA_PREFIX,
  SCHEMA_PREFIXES,
} from '../shared/names.ts';
import { ownerIsGone } from '../shared/owner-tag.ts';

const debug = createDebug('fixtures:reaper');

export interface ReapOptions {
  /**
   * The tag of a run that is ending (or interrupted): what it owns is
   * abandoned too, though its process still runs.
   */
  readonly finishedOwner?: string | undefined;
}

function creatorIsGone(marker: DatabaseMarker | undefined): boolean {
  return (marker?.kind === 'clone' || marker?.kind === 'schema') && isAbandonedBy(marker.host, marker.pid);
}

/**
 * Whether the database or schema `name`, with `comment`, is the harness's
 * debris; a complete or shared template is not, and an incomplete one is
 * judged by {@link reapAbandonedDatabases}, which can see whether it is being built.
 */
export function isDebris(name: string, comment: string | null, { finishedOwner }: ReapOptions = {}): boolean {
  const parsed = parseHarnessName(name);
  if (!parsed || parsed.kind === 'template') return false;
  const marker = parseDatabaseMarker(comment);
  // A comment that is not our marker is someone else's: whatever the name says, it is not ours to drop.
  if (comment !== null && marker === undefined) return false;
  if (marker && 'kept' in marker && marker.kept) return false;
  if (parsed.kind === 'unowned') return creatorIsGone(marker);
  return parsed.owner === finishedOwner || ownerIsGone(parsed.owner) || creatorIsGone(marker);
}

/**
 * Drops the abandoned test databases, schemas and half-built templates on the
 * server of `adminUrl`; returns their names.
 */
export async function reapAbandonedDatabases(adminUrl: URL, options: ReapOptions = {}): Promise<string[]> {
  return withClient(adminUrl.toString(), async (client) => {
    const { rows } = await client.query<{ datname: string; comment: string | null }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE ANY($1)`,
      [likeAnyOf(DATABASE_PREFIXES)],
    );
    const reaped: string[] = [];
    for (const { datname, comment } of rows) {
      const debris = isDebris(datname, comment, options) || (await isStaleTemplate(client, datname, comment));
      if (!debris) {
        if (!parseDatabaseMarker(comment))
          debug('left alone: %s (not marked as ours, no owner known to be gone)', datname);
        continue;
      }
      if (await tryDrop(client, datname, `DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`))
        reaped.push(datname);
    }
    reaped.push(...(await reapAbandonedSchemas(client, options)));
    if (reaped.length > 0) debug('reaped %d abandoned databases and schemas: %s', reaped.length, reaped.join(', '));
    return reaped;
  });
}

/**
 * A template an older version built under its own name and marked incomplete
 * until done: abandoned when nobody holds the lock its builder holds.
 */
async function isStaleTemplate(client: pg.Client, name: string, comment: string | null): Promise<boolean> {
  const marker = parseDatabaseMarker(comment);
  if (parseHarnessName(name)?.kind !== 'template' || marker?.kind !== 'template' || marker.complete) return false;
  const key = `fixtures:template:${name}`;
  const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS free', [key]);
  if (rows[0]?.free) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
  return rows[0]?.free === true;
}

/** On a shared server, another role's debris may not be ours to drop: that is no reason to stop a run. */
async function tryDrop(client: pg.Client, name: string, sql: string): Promise<boolean> {
  try {
    await client.query(sql);
    return true;
  } catch (error) {
    debug('could not reap %s: %s', name, (error as Error).message);
    return false;
  }
}

async function reapAbandonedSchemas(client: pg.Client, options: ReapOptions): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string; comment: string | null }>(
    `SELECT nspname, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname LIKE ANY($1)`,
    [likeAnyOf(SCHEMA_PREFIXES)],
  );
  const reaped: string[] = [];
  for (const { nspname, comment } of rows) {
    if (!isDebris(nspname, comment, options)) continue;
    // A connection of the dead process's schema may still hold a lock DROP SCHEMA would wait for.
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [nspname],
    );
    if (await tryDrop(client, nspname, `DROP SCHEMA IF EXISTS ${quoteIdentifier(nspname)} CASCADE`))
      reaped.push(nspname);
  }
  return reaped;
}

/** The databases and schemas kept after failed tests on the server of `adminUrl`. */
export async function findKept(adminUrl: URL): Promise<string[]> {
  return withClient(adminUrl.toString(), async (client) => {
    const { rows } = await client.query<{ name: string; comment: string | null }>(
      `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE ANY($1)
       UNION ALL
       SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname LIKE ANY($2)`,
      [likeAnyOf([CLONE_PREFIX]), likeAnyOf([SCHEMA_PREFIX])],
    );
    return rows
      .filter(({ comment }) => {
        const marker = parseDatabaseMarker(comment);
        return (marker?.kind === 'clone' || marker?.kind === 'schema') && marker.kept === true;
      })
      .map(({ name }) => name);
  });
}
