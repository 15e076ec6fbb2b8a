/**
 * The run's ready clones: clones made ahead for the whole run rather than for
 * one worker, and claimed by the workers through PostgreSQL itself. A Vitest
 * worker runs one file and ends, so a pool of its own never gets to prepare
 * anything ahead (prepared-ahead.ts): its first clone is always made while
 * its first test waits. The run's are made before.
 *
 * - Complete before they are ready: each is cloned and marked under a clone's
 *   name, then renamed `fixtures_ready_<owner>_<n>`, so that a name a
 *   claimer finds is always a whole clone.
 * - Claimed by renaming: `ALTER DATABASE … RENAME TO` a new clone name takes
 *   PostgreSQL's lock on the database, so one claimer wins and the others
 *   find it gone and take the next. No table, no extra server.
 * - Refilled by whoever claims: claiming ready clone `n` makes clone
 *   `n + count` in the background while the claimer's tests run, and never
 *   beyond `total` (the run's test files). A run thus makes at most as many
 *   as it has files, of which at most `count` (its workers) are left ready,
 *   unused, when its files do not all ask for a database.
 * - Marked with the run's owner as their maker, not the worker that made
 *   them: a worker ends after its file, and a clone it left ready for the
 *   next is the run's, dropped with the run's things when the run ends.
 */
import type pg from 'pg';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import { createClone } from './clone-sql.ts';
import { parseDatabaseMarker } from './database-marker.ts';
import { newCloneName, READY_PREFIX, readyCloneIndex, readyCloneName } from './names.ts';
import { parseOwnerTag } from './owner-tag.ts';

/** What a run's setup says of its ready clones (RunSetup.ready). */
export interface ReadyClones {
  /** How many the run keeps ready at once: its workers. */
  readonly count: number;
  /** How many it makes in all, at most: its test files. */
  readonly total: number;
}

/** The run's clones of `template`: `strategy` is the ` STRATEGY …` clause, or nothing. */
interface CloneSpec {
  readonly template: string;
  readonly owner: string;
  readonly strategy: string;
}

/** Makes ready clone `index` of the run `owner`; resolves to its ready name. */
export async function makeReadyClone(client: pg.ClientBase, spec: CloneSpec, index: number): Promise<string> {
  const { template, owner, strategy } = spec;
  const building = newCloneName(owner);
  const ready = readyCloneName(owner, index);
  try {
    const pid = parseOwnerTag(owner)?.pid ?? process.pid;
    await createClone(client, { name: building, template, strategy, pid });
    await client.query(`ALTER DATABASE ${quoteIdentifier(building)} RENAME TO ${quoteIdentifier(ready)}`);
  } catch (error) {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(building)}`).catch(() => {});
    throw error;
  }
  return ready;
}

/**
 * Claims one of the run's ready clones of `template`, renamed to a new clone
 * name; `undefined` when none is ready. Only names carrying the run's own tag
 * and the harness's marker for this template are candidates: a look-alike is
 * never handed out.
 */
export async function claimReadyClone(
  client: pg.ClientBase,
  { template, owner }: Omit<CloneSpec, 'strategy'>,
): Promise<{ readonly name: string; readonly index: number } | undefined> {
  const { rows } = await client.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database
      WHERE starts_with(datname, $1) ORDER BY datname`,
    [`${READY_PREFIX}${owner}_`],
  );
  for (const { datname, comment } of rows) {
    const index = readyCloneIndex(datname, owner);
    const marker = parseDatabaseMarker(comment);
    if (index === undefined || marker?.kind !== 'clone' || marker.template !== template) continue;
    const name = newCloneName(owner);
    try {
      await client.query(`ALTER DATABASE ${quoteIdentifier(datname)} RENAME TO ${quoteIdentifier(name)}`);
      return { name, index };
    } catch (error) {
      // 3D000: another worker claimed it first (its rename committed while ours waited for the lock).
      if ((error as { code?: string }).code === '3D000') continue;
      throw error;
    }
  }
  return undefined;
}
