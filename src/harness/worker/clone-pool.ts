/**
 * Test databases cloned from the template (`CREATE DATABASE … TEMPLATE`):
 * one of the run's ready clones when the run has them (ready-clones.ts), else
 * one prepared ahead once a process has asked for two (prepared-pool.ts).
 * Every clone is named with its owner's tag (names.ts), so that one whose
 * process was killed before marking is still known for the harness's; it
 * carries the harness's marker, and is dropped when released or when the
 * pool closes.
 */
import type pg from 'pg';
import { onDatabase } from '../../config/database-url.ts';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import createDebug from '../../text/debug.ts';
import { cloneMarker, createClone } from '../shared/clone-sql.ts';
import { writeDatabaseMarker } from '../shared/database-marker.ts';
import { newCloneName } from '../shared/names.ts';
import { currentOwnerTag } from '../shared/owner-tag.ts';
import { claimReadyClone, makeReadyClone, type ReadyClones } from '../shared/ready-clones.ts';
import type { IsolatedDatabase } from './isolation.ts';
import type { ConnectionsOf, LeftoverPlace } from './leftover-connections.ts';
import { type PoolConnections, type PooledKind, PreparedPool } from './prepared-pool.ts';

const debug = createDebug('fixtures:clone');

export interface ClonePoolOptions {
  readonly adminUrl: URL;
  readonly template: string;
  /** How many clones to keep ready once the process has asked for two; 0 clones on demand only. */
  readonly size?: number;
  /** The tag of the run that owns the clones (owner-tag.ts); this process's by default. */
  readonly owner?: string;
  /**
   * `FILE_COPY`: copy the template's files, which takes a checkpoint but
   * writes no WAL for the copy: about 7 ms p50 against 10.5 ms for the
   * default `WAL_LOG` on a throwaway server in memory. For servers no one else uses
   * ({@link copyStrategyFor}); PostgreSQL 15 or later, else the default.
   */
  readonly copyStrategy?: 'FILE_COPY' | undefined;
  /** The run's ready clones, claimed before any is made here (ready-clones.ts); none by default. */
  readonly ready?: ReadyClones | undefined;
}

/**
 * How clones are copied on a server of `provider`. A throwaway server (fsync
 * off, nobody else on it) takes FILE_COPY's checkpoint at no cost; on a
 * server of yours (`external`) that checkpoint would be everyone's, so the
 * default stays.
 */
export function copyStrategyFor(provider: string): 'FILE_COPY' | undefined {
  return provider === 'external' ? undefined : 'FILE_COPY';
}

/** `CREATE DATABASE … STRATEGY` exists from PostgreSQL 15 on. */
const STRATEGY_SINCE = 150000;

/** A database handed out by the pool; its URL has the admin URL's credentials. */
export type Clone = IsolatedDatabase;

/** How a clone is made, claimed, dropped and kept. */
class CloneKind implements PooledKind {
  readonly isolation = 'database';
  readonly debugNamespace = 'fixtures:clone';
  readonly closedMessage = 'This clone pool is closed: acquire a database before closing it.';
  readonly dropsInBackground = true;
  readonly #adminUrl: URL;
  readonly #template: string;
  readonly #owner: string;
  readonly #copyStrategy: 'FILE_COPY' | undefined;
  readonly #ready: ReadyClones | undefined;
  /** ` STRATEGY FILE_COPY`, or nothing: settled on the first clone made, when the server's version is known. */
  #strategy: Promise<string> | undefined;
  /** Set once a claim found none ready: the clones after it are made here. */
  #noneReady = false;

  constructor({ adminUrl, template, owner = currentOwnerTag(), copyStrategy, ready }: ClonePoolOptions) {
    this.#adminUrl = adminUrl;
    this.#template = template;
    this.#owner = owner;
    this.#copyStrategy = copyStrategy;
    this.#ready = ready;
  }

  /**
   * The copy strategy's clause, asked of the server once, by the first clone
   * made: a worker that only claims a ready clone never asks. A failed
   * question is asked again by the next clone.
   */
  #strategyOf(client: pg.PoolClient): Promise<string> {
    this.#strategy ??= this.#strategyClause(client).catch((error: unknown) => {
      this.#strategy = undefined;
      throw error;
    });
    return this.#strategy;
  }

  async #strategyClause(client: pg.PoolClient): Promise<string> {
    if (!this.#copyStrategy) return '';
    const { rows } = await client.query<{ version: string }>("SELECT current_setting('server_version_num') AS version");
    return Number(rows[0]?.version) >= STRATEGY_SINCE ? ` STRATEGY ${this.#copyStrategy}` : '';
  }

  async make({ admin }: PoolConnections): Promise<string> {
    const name = newCloneName(this.#owner);
    const started = performance.now();
    const client = await admin.connect();
    try {
      // One at a time per pool: concurrent copies of one template only contend for the disk.
      await createClone(client, { name, template: this.#template, strategy: await this.#strategyOf(client) });
    } finally {
      client.release();
    }
    debug('cloned %s from %s in %d ms', name, this.#template, Math.round(performance.now() - started));
    return name;
  }

  /** One of the run's ready clones, renamed to a clone of this pool's; claiming it starts the one that replaces it. */
  async claim(on: PoolConnections): Promise<string | undefined> {
    const ready = this.#ready;
    if (!ready || this.#noneReady) return undefined;
    const started = performance.now();
    const client = await on.admin.connect();
    let claimed: Awaited<ReturnType<typeof claimReadyClone>>;
    try {
      claimed = await claimReadyClone(client, { template: this.#template, owner: this.#owner });
    } finally {
      client.release();
    }
    if (!claimed) {
      this.#noneReady = true;
      debug('no ready clone left: cloning here');
      return undefined;
    }
    debug(
      'claimed ready clone %d as %s in %d ms',
      claimed.index,
      claimed.name,
      Math.round(performance.now() - started),
    );
    const next = claimed.index + ready.count;
    if (next < ready.total) {
      on.inBackground(
        this.makeReady(on, next).catch((error: Error) =>
          process.emitWarning(`Could not prepare ready clone ${next}: ${error.message}`, { code: 'FIXTURES_READY' }),
        ),
      );
    }
    return claimed.name;
  }

  /** The run's ready clone number `index`. */
  async makeReady({ admin }: PoolConnections, index: number): Promise<void> {
    const started = performance.now();
    const client = await admin.connect();
    try {
      const strategy = await this.#strategyOf(client);
      const name = await makeReadyClone(client, { template: this.#template, owner: this.#owner, strategy }, index);
      debug('made %s in %d ms', name, Math.round(performance.now() - started));
    } finally {
      client.release();
    }
  }

  /** How many ready clones the run makes before its workers start. */
  get firstReady(): number {
    return Math.min(this.#ready?.count ?? 0, this.#ready?.total ?? 0);
  }

  dropStatement(name: string): string {
    // FORCE: the harness's own backends may not have left yet; they are done with it.
    return `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`;
  }

  url(name: string): string {
    return onDatabase(this.#adminUrl, name).toString();
  }

  connectionsOf(name: string): ConnectionsOf {
    return { database: name };
  }

  placeOf(name: string): LeftoverPlace {
    return { database: name };
  }

  markKept(client: pg.PoolClient, name: string): Promise<void> {
    return writeDatabaseMarker(client, name, { ...cloneMarker(this.#template, process.pid), kept: true });
  }
}

/** Clones of one template on one server, handed out and taken back (prepared-pool.ts). */
export class ClonePool extends PreparedPool {
  readonly #kind: CloneKind;

  /** A started pool; it asks the server its copy strategy when it first makes a clone. */
  static async open(options: ClonePoolOptions): Promise<ClonePool> {
    const pool = new ClonePool(options, new CloneKind(options));
    await pool.start();
    return pool;
  }

  private constructor(options: ClonePoolOptions, kind: CloneKind) {
    super(kind, options.adminUrl, options.size ?? 1);
    this.#kind = kind;
  }

  /**
   * Makes the run's first ready clones, `ready.count` of them, one at a time:
   * for the run's setup, before its workers start.
   */
  async prepareReady(): Promise<void> {
    for (let index = 0; index < this.#kind.firstReady; index++) await this.#kind.makeReady(this.connections, index);
  }
}
