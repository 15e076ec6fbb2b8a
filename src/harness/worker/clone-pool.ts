/**
 * Test databases cloned from the template (`CREATE DATABASE … TEMPLATE`):
 * one of the run's ready clones when the run has them (ready-clones.ts), else
 * one prepared ahead once a process has asked for two (prepared-ahead.ts).
 * Every clone is named with its owner's tag (harness-names.ts), so that one
 * its process was killed before marking is still known for the harness's;
 * it carries the harness's marker, and is dropped when released or when the
 * pool closes.
 */
import type pg from 'pg';
import { onDatabase } from '../../config/database-url.ts';
import { adminPool } from '../../sql/admin-pool.ts';
import { quoteIdentifier } from '../../sql/quote-identifier.ts';
import createDebug from '../../text/debug.ts';
import { cloneMarker, createClone } from '../shared/clone-sql.ts';
import { writeDatabaseMarker } from '../shared/database-marker.ts';
import { newCloneName } from '../shared/names.ts';
import { currentOwnerTag } from '../shared/owner-tag.ts';
import { claimReadyClone, makeReadyClone, type ReadyClones } from '../shared/ready-clones.ts';
import { type DatabasePool, HARNESS_APPLICATION_NAME, type IsolatedDatabase } from './isolation.ts';
import { closeLeftoverConnections, LeftoverConnectionsError, othersOpen } from './leftover-connections.ts';
import { PreparedAhead } from './prepared-ahead.ts';

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

export class ClonePool implements DatabasePool {
  readonly #adminUrl: URL;
  readonly #admin: pg.Pool;
  /** A second admin connection for releases, so that none waits behind a clone being made. */
  readonly #releaser: pg.Pool;
  /** Work under way in the background (releaseSoon's drops, ready clones' refills): close() waits for it. */
  readonly #background = new Set<Promise<void>>();
  readonly #template: string;
  readonly #owner: string;
  readonly #ahead: PreparedAhead;
  /** ` STRATEGY FILE_COPY`, or nothing: settled on the first clone, when the server's version is known. */
  #strategy: Promise<string> | undefined;
  readonly #copyStrategy: 'FILE_COPY' | undefined;
  readonly #ready: ReadyClones | undefined;
  /** Set once a claim found none ready: the clones after it are made here. */
  #noneReady = false;
  #closed = false;

  constructor({ adminUrl, template, size = 1, owner = currentOwnerTag(), copyStrategy, ready }: ClonePoolOptions) {
    // Clones are made one at a time per pool: concurrent copies of one template only contend for the disk.
    this.#adminUrl = adminUrl;
    this.#admin = adminPool(adminUrl);
    this.#releaser = adminPool(adminUrl);
    this.#template = template;
    this.#owner = owner;
    this.#copyStrategy = copyStrategy;
    this.#ready = ready;
    this.#ahead = new PreparedAhead(size, () => this.#clone());
  }

  /** A fresh clone: one of those prepared, or one made now. */
  async acquire(): Promise<Clone> {
    if (this.#closed) throw new Error('This clone pool is closed: acquire a database before closing it.');
    const name = (await this.#claimReady()) ?? (await this.#ahead.take());
    return { name, url: onDatabase(this.#adminUrl, name).toString(), isolation: 'database' };
  }

  /**
   * Drops a clone this pool handed out. Connections a test left open on it are
   * closed first and reported afterwards, by a {@link LeftoverConnectionsError}.
   */
  async release(name: string): Promise<void> {
    const started = performance.now();
    const client = await this.#releaser.connect();
    try {
      const leftovers = await closeLeftoverConnections(client, { database: name });
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      debug('dropped %s in %d ms', name, Math.round(performance.now() - started));
      if (leftovers.length > 0) throw new LeftoverConnectionsError(name, leftovers);
    } finally {
      client.release();
    }
  }

  async releaseSoon(name: string): Promise<void> {
    const others = await othersOpen(this.#releaser, name, HARNESS_APPLICATION_NAME);
    if (others) return this.release(name);
    const started = performance.now();
    // FORCE: the harness's own backends may not have left yet; they are done with it.
    const drop = this.#releaser.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`).then(
      () => debug('dropped %s in the background in %d ms', name, Math.round(performance.now() - started)),
      (error: Error) => process.emitWarning(`Could not drop ${name}: ${error.message}`, { code: 'FIXTURES_RELEASE' }),
    );
    this.#inBackground(drop);
  }

  #inBackground(work: Promise<void>): void {
    const tracked = work.finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  /**
   * Makes the run's first ready clones, `ready.count` of them, one at a time:
   * for the run's setup, before its workers start.
   */
  async prepareReady(): Promise<void> {
    const count = Math.min(this.#ready?.count ?? 0, this.#ready?.total ?? 0);
    for (let index = 0; index < count; index++) await this.#makeReady(index);
  }

  /** One of the run's ready clones, renamed to a clone of this pool's; claiming it starts the one that replaces it. */
  async #claimReady(): Promise<string | undefined> {
    const ready = this.#ready;
    if (!ready || this.#noneReady) return undefined;
    const started = performance.now();
    const client = await this.#admin.connect();
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
      this.#inBackground(
        this.#makeReady(next).catch((error: Error) =>
          process.emitWarning(`Could not prepare ready clone ${next}: ${error.message}`, { code: 'FIXTURES_READY' }),
        ),
      );
    }
    return claimed.name;
  }

  async #makeReady(index: number): Promise<void> {
    const started = performance.now();
    const client = await this.#admin.connect();
    try {
      const strategy = await this.#strategyOf(client);
      const name = await makeReadyClone(client, { template: this.#template, owner: this.#owner, strategy }, index);
      debug('made %s in %d ms', name, Math.round(performance.now() - started));
    } finally {
      client.release();
    }
  }

  /** Keeps a clone after the run: its marker says `kept`, so no reaper drops it. */
  async keep(name: string): Promise<void> {
    const client = await this.#admin.connect();
    try {
      await writeDatabaseMarker(client, name, { ...cloneMarker(this.#template, process.pid), kept: true });
    } finally {
      client.release();
    }
  }

  /**
   * Drops the clones prepared and not handed out, waits for the drops under
   * way, and closes the admin connections. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const name of await this.#ahead.drain()) {
      await this.#admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    }
    await Promise.all(this.#background);
    await Promise.all([this.#admin.end(), this.#releaser.end()]);
  }

  async #strategyClause(client: pg.PoolClient): Promise<string> {
    if (!this.#copyStrategy) return '';
    const { rows } = await client.query<{ version: string }>("SELECT current_setting('server_version_num') AS version");
    return Number(rows[0]?.version) >= STRATEGY_SINCE ? ` STRATEGY ${this.#copyStrategy}` : '';
  }

  /** The copy strategy's clause, asked of the server once; a failed question is asked again by the next clone. */
  #strategyOf(client: pg.PoolClient): Promise<string> {
    this.#strategy ??= this.#strategyClause(client).catch((error: unknown) => {
      this.#strategy = undefined;
      throw error;
    });
    return this.#strategy;
  }

  async #clone(): Promise<string> {
    const name = newCloneName(this.#owner);
    const started = performance.now();
    const client = await this.#admin.connect();
    try {
      await createClone(client, { name, template: this.#template, strategy: await this.#strategyOf(client) });
    } finally {
      client.release();
    }
    debug('cloned %s from %s in %d ms', name, this.#template, Math.round(performance.now() - started));
    return name;
  }
}
