/**
 * How a clone of the template is made and marked: by the clone pool on
 * demand and for the run's ready clones (ready-clones.ts) alike.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import { type DatabaseMarker, writeDatabaseMarker } from './database-marker.ts';

/** The marker of a clone of `template` whose maker is process `pid` on this machine. */
export const cloneMarker = (template: string, pid: number) =>
  ({ kind: 'clone', template, host: hostname(), pid }) as const satisfies DatabaseMarker;

export interface CloneOf {
  readonly name: string;
  readonly template: string;
  /** The ` STRATEGY …` clause, or nothing. */
  readonly strategy: string;
  /** Whose it is, for the reaper: this process by default. */
  readonly pid?: number;
}

/** `CREATE DATABASE name TEMPLATE template`, then its marker. */
export async function createClone(client: pg.ClientBase, { name, template, strategy, pid }: CloneOf): Promise<void> {
  await client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}${strategy}`);
  // A second statement, which a killed process never sends: until then, the name alone says whose it is.
  await writeDatabaseMarker(client, name, cloneMarker(template, pid ?? process.pid));
}
