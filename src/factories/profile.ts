/**
 * FIXTURES_PROFILE=1: per factory, how many rows it built and inserted and
 * the time it spent doing so, so that a slow suite shows where its data time
 * goes. Times are the factory's own: building its rows and running its own
 * INSERTs, not its parents' or children's.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { envFlag } from '../config/env-options.ts';
import { formatTable } from '../text/format-table.ts';

/** Set by the Vitest global setup: workers write their profiles here, and the run prints them merged. */
const PROFILE_DIR_VARIABLE = 'FIXTURES_PROFILE_DIR';

export interface FactoryProfileRow {
  readonly factory: string;
  built: number;
  created: number;
  buildMs: number;
  insertMs: number;
  statements: number;
}

const rows = new Map<string, FactoryProfileRow>();

export const profiling = (): boolean => envFlag(process.env, 'FIXTURES_PROFILE');

function rowFor(factory: string): FactoryProfileRow {
  let row = rows.get(factory);
  if (!row) {
    if (rows.size === 0) process.once('exit', reportAtExit);
    row = { factory, built: 0, created: 0, buildMs: 0, insertMs: 0, statements: 0 };
    rows.set(factory, row);
  }
  return row;
}

/** Runs `work` and, when profiling, adds its rows and time to `factory`'s line. */
export function timed<T>(factory: string, kind: 'build' | 'insert', count: number, work: () => T): T {
  if (!profiling()) return work();
  const started = performance.now();
  const finish = () => {
    const row = rowFor(factory);
    const elapsed = performance.now() - started;
    if (kind === 'build') {
      row.built += count;
      row.buildMs += elapsed;
    } else {
      row.created += count;
      row.insertMs += elapsed;
      row.statements += 1;
    }
  };
  const result = work();
  // Prisma's promises are thenables, not Promises.
  if (typeof (result as { then?: unknown })?.then === 'function') {
    return Promise.resolve(result).finally(finish) as T;
  }
  finish();
  return result;
}

/** This process's profile so far, busiest factory first. */
export function factoryProfile(): FactoryProfileRow[] {
  return [...rows.values()].sort((a, b) => b.buildMs + b.insertMs - (a.buildMs + a.insertMs));
}

/** The profile as a table for a terminal. */
export function formatFactoryProfile(profile: readonly FactoryProfileRow[]): string {
  const header = ['factory', 'built', 'created', 'statements', 'build ms', 'insert ms'];
  const lines = profile.map((row) => [
    row.factory,
    String(row.built),
    String(row.created),
    String(row.statements),
    row.buildMs.toFixed(1),
    row.insertMs.toFixed(1),
  ]);
  return formatTable(header, lines);
}

/**
 * Hands this process's profile so far to the run (the directory the global
 * setup made), replacing what it handed before. The `db` fixture calls it
 * after each test: a Vitest worker may end without an `exit` event.
 */
export function flushProfile(): void {
  const directory = process.env[PROFILE_DIR_VARIABLE];
  if (!profiling() || !directory || rows.size === 0) return;
  writeFileSync(join(directory, `${process.pid}-${threadId}.json`), JSON.stringify(factoryProfile()));
}

/** At the end of a process that profiled: hand the profile to the run, or print it when there is no run. */
function reportAtExit(): void {
  if (!profiling()) return;
  if (process.env[PROFILE_DIR_VARIABLE]) {
    flushProfile();
  } else {
    process.stderr.write(`\nFactory profile (FIXTURES_PROFILE=1):\n${formatFactoryProfile(factoryProfile())}\n`);
  }
}

/**
 * For the run's main process: workers write their profiles into a directory
 * of the run; `finish` prints them merged into one table and removes it.
 * Undefined when FIXTURES_PROFILE is not 1.
 */
export function collectRunProfile(): { finish(): void } | undefined {
  if (!profiling()) return undefined;
  const directory = mkdtempSync(join(tmpdir(), 'ctoprojects-fixtures-profile-'));
  process.env[PROFILE_DIR_VARIABLE] = directory;
  return {
    finish() {
      const merged = new Map<string, FactoryProfileRow>();
      for (const file of readdirSync(directory)) {
        for (const row of JSON.parse(readFileSync(join(directory, file), 'utf8')) as FactoryProfileRow[]) {
          const total = merged.get(row.factory) ?? {
            ...row,
            built: 0,
            created: 0,
            buildMs: 0,
            insertMs: 0,
            statements: 0,
          };
          total.built += row.built;
          total.created += row.created;
          total.buildMs += row.buildMs;
          total.insertMs += row.insertMs;
          total.statements += row.statements;
          merged.set(row.factory, total);
        }
      }
      rmSync(directory, { recursive: true, force: true });
      const profile = [...merged.values()].sort((a, b) => b.buildMs + b.insertMs - (a.buildMs + a.insertMs));
      process.stderr.write(
        profile.length === 0
          ? '\nFactory profile (FIXTURES_PROFILE=1): no factory built or created a row.\n'
          : `\nFactory profile (FIXTURES_PROFILE=1), all workers:\n${formatFactoryProfile(profile)}\n`,
      );
    },
  };
}
