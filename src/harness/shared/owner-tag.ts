/**
 * Who owns what the harness creates, written into its name: a database, a
 * schema or a cluster directory is attributable from the moment it exists,
 * before any marker could be written. PostgreSQL finishes a `CREATE DATABASE`
 * whose client was killed, so a marker written by a second statement may
 * never come; the name is there from the first.
 *
 * A tag is `<machine>_<pid>_<start>`:
 * - `machine`: 8 hex digits of a hash of the host name and the PID namespace,
 *   so that two containers with the same host name do not judge each other's pids;
 * - `pid`: the owning process (the one that set up the run);
 * - `start`: its start time in clock ticks since boot (base 36; `0` where
 *   /proc is missing), so that a pid reused by another process does not pass
 *   for the owner.
 *
 * An owner is gone only when that is provable from here: same machine, and
 * its pid runs no more or runs a process started at another time.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { processIsAlive } from './abandoned.ts';

/** The pattern of a tag inside a longer name (no anchors, one capture group per part). */
export const OWNER_TAG_PATTERN = '([0-9a-f]{8})_([1-9][0-9]{0,9})_([0-9a-z]{1,13})';

export interface OwnerTag {
  readonly machine: string;
  readonly pid: number;
  readonly start: string;
}

/** The start time of process `pid` in clock ticks since boot, base 36; `0` when unknown. */
export function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22, starttime
    return ticks && /^\d+$/.test(ticks) ? BigInt(ticks).toString(36) : '0';
  } catch {
    return '0';
  }
}

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

let machine: string | undefined;

/** This machine (host name and PID namespace), as 8 hex digits. */
export function thisMachine(): string {
  machine ??= createHash('sha256').update(`${hostname()}\0${pidNamespace()}`).digest('hex').slice(0, 8);
  return machine;
}

let own: string | undefined;

/** This process's tag. */
export function currentOwnerTag(): string {
  own ??= formatOwnerTag({ machine: thisMachine(), pid: process.pid, start: processStart(process.pid) });
  return own;
}

export function formatOwnerTag({ machine, pid, start }: OwnerTag): string {
  return `${machine}_${pid}_${start}`;
}

export function parseOwnerTag(tag: string): OwnerTag | undefined {
  const match = new RegExp(`^${OWNER_TAG_PATTERN}$`).exec(tag);
  if (!match) return undefined;
  return { machine: match[1] as string, pid: Number(match[2]), start: match[3] as string };
}

/**
 * Whether the owner named by `tag` is provably gone: it ran on this machine,
 * and its pid runs no more, or now belongs to a process started at another time.
 */
export function ownerIsGone(tag: string): boolean {
  const owner = parseOwnerTag(tag);
  if (!owner || owner.machine !== thisMachine()) return false;
  if (!processIsAlive(owner.pid)) return true;
  const start = processStart(owner.pid);
  return owner.start !== '0' && start !== '0' && start !== owner.start;
}
