/**
 * The names of what the harness creates on a server, each carrying its
 * owner's tag (owner-tag.ts), so that one a killed process left unmarked is
 * still recognisably the harness's, and whose:
 *
 * - `fixtures_db_<owner>_<random>`: a clone;
 * - `fixtures_schema_<owner>_<random>`: a schema (`schema` isolation);
 * - `fixtures_tpl_<hash>_<owner>`: a template being built, renamed to
 *   `fixtures_tpl_<hash>` (no owner: it is shared) once complete;
 * - `fixtures_ready_<owner>_<n>`: the run's ready clone number `n`, six
 *   digits (ready-clones.ts), renamed to a clone's name when a worker claims it.
 *
 * Names of older versions (`fixtures_db_<pid>_<random>`) carry no owner that
 * can be checked: only their marker makes them the harness's.
 */
import { randomBytes } from 'node:crypto';
import { OWNER_TAG_PATTERN } from './owner-tag.ts';

export const CLONE_PREFIX = 'fixtures_db_';
/** The prefix of every schema `schema` isolation creates; the reaper looks only at these. */
export const SCHEMA_PREFIX = 'fixtures_schema_';
export const TEMPLATE_PREFIX = 'fixtures_tpl_';
export const READY_PREFIX = 'fixtures_ready_';

/** The prefixes of every database the harness creates, and of every schema (a template schema takes a template's name). */
export const DATABASE_PREFIXES = [CLONE_PREFIX, TEMPLATE_PREFIX, READY_PREFIX] as const;
export const SCHEMA_PREFIXES = [SCHEMA_PREFIX, TEMPLATE_PREFIX] as const;

/** `LIKE` patterns for names starting with one of `prefixes` (their `_` escaped), for `LIKE ANY($1)`. */
export const likeAnyOf = (prefixes: readonly string[]): string[] =>
  prefixes.map((prefix) => `${prefix.replaceAll('_', '\\_')}%`);

const random = () => randomBytes(5).toString('hex');

export const newCloneName = (owner: string) => `${CLONE_PREFIX}${owner}_${random()}`;
export const newSchemaName = (owner: string) => `${SCHEMA_PREFIX}${owner}_${random()}`;
/** The name of ready clone `index` of the run `owner`: zero-padded, so that names sort as numbers do. */
export const readyCloneName = (owner: string, index: number) =>
  `${READY_PREFIX}${owner}_${String(index).padStart(6, '0')}`;
/** The index of `name` when it is a ready clone of the run `owner` ({@link readyCloneName}), else undefined. */
export function readyCloneIndex(name: string, owner: string): number | undefined {
  const parsed = parseHarnessName(name);
  return parsed?.kind === 'ready' && parsed.owner === owner ? Number(name.slice(-6)) : undefined;
}

/** The name a template is built under: its own, once complete, is `template`. */
export const templateBuildName = (template: string, owner: string) => `${template}_${owner}`;

export type HarnessName =
  | { readonly kind: 'clone' | 'schema' | 'template-build' | 'ready'; readonly owner: string }
  /** A complete template's name: shared by every run, owned by none. */
  | { readonly kind: 'template' }
  /** Named like the harness's, but with no owner to check (an older version's, or a look-alike). */
  | { readonly kind: 'unowned' };

const OWNED = new RegExp(
  `^(?:${CLONE_PREFIX}(${OWNER_TAG_PATTERN})_[0-9a-f]{10}|${SCHEMA_PREFIX}(${OWNER_TAG_PATTERN})_[0-9a-f]{10}|${TEMPLATE_PREFIX}[0-9a-f]{16}_(${OWNER_TAG_PATTERN})|${READY_PREFIX}(${OWNER_TAG_PATTERN})_[0-9]{6})$`,
);
const TEMPLATE = new RegExp(`^${TEMPLATE_PREFIX}[0-9a-f]{16}$`);

/** What a database or schema name of the harness's patterns says about it, or `undefined` for any other name. */
export function parseHarnessName(name: string): HarnessName | undefined {
  const owned = OWNED.exec(name);
  if (owned) {
    // Each alternative has 4 groups: the whole tag, then its 3 parts.
    if (owned[1]) return { kind: 'clone', owner: owned[1] };
    if (owned[5]) return { kind: 'schema', owner: owned[5] };
    if (owned[9]) return { kind: 'template-build', owner: owned[9] };
    return { kind: 'ready', owner: owned[13] as string };
  }
  if (TEMPLATE.test(name)) return { kind: 'template' };
  if ([...DATABASE_PREFIXES, SCHEMA_PREFIX].some((prefix) => name.startsWith(prefix))) return { kind: 'unowned' };
  return undefined;
}
