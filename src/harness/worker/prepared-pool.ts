/**
 * The one mechanism behind both isolation modes: isolated databases made
 * ahead (prepared-ahead.ts), handed out, dropped on release — connections a
 * test left open closed first and reported — kept when a test failed, and
 * cleaned up on close. What differs between a clone and a schema (how one is
 * made, dropped, reached and marked) is its {@link PooledKind}
 * (clone-pool.ts, schema-pool.ts).
 */
import type pg from 'pg';
import { adminPool } from '../../sql/admin-pool.ts';
import createDebug from '../../text/debug.ts';
import { type DatabasePool, HARNESS_APPLICATION_NAME, type IsolatedDatabase, type Isolation } from './isolation.ts';
import {
  type ConnectionsOf,
  closeLeftoverConnections,
  LeftoverConnectionsError,
  type LeftoverPlace,
  othersOpen,
} from './leftover-connections.ts';
import { PreparedAhead } from './prepared-ahead.ts';

/** What a kind's work runs on: the pool's admin connection, and a way to hand it work that close() must wait for. */
export interface PoolConnections {
  readonly admin: pg.Pool;
  /** Work to finish before close() returns (a ready clone's refill, say). */
  inBackground(work: Promise<void>): void;
}

/** What a kind of isolated database brings to the pool that prepares and hands it out. */
export interface PooledKind {
  readonly isolation: Isolation;
  /** `fixtures:clone`, `fixtures:schema`: where the pool's debug lines go. */
  readonly debugNamespace: string;
  /** What `acquire` after `close` says, e.g. `This clone pool is closed: acquire a database before closing it.` */
  readonly closedMessage: string;
  /** Work done once on open (a question to the server, a template schema), before any is made. */
  start?(on: PoolConnections): Promise<void>;
  /** Makes one, named and marked; resolves to its name. */
  make(on: PoolConnections): Promise<string>;
  /** One prepared elsewhere (the run's ready clones), taken before any is made; none by default. */
  claim?(on: PoolConnections): Promise<string | undefined>;
  /** The statement that drops it, whatever connections are still open on it. */
  dropStatement(name: string): string;
  /** Its `DATABASE_URL`, with the admin URL's credentials. */
  url(name: string): string;
  /** The connections on it that release closes and reports. */
  connectionsOf(name: string): ConnectionsOf;
  /** Where it is, as a leftover-connections error names it. */
  placeOf(name: string): LeftoverPlace;
  /**
   * Whether a release may drop it in the background once only the harness's
   * own connections were on it. A clone's are told apart by
   * {@link HARNESS_APPLICATION_NAME}; a schema's all share its name. Such a
   * kind's releases get an admin connection of their own, so that none waits
   * behind one being made; the others share the pool's one connection (a
   * server that needs `schema` isolation is often short of connections).
   */
  readonly dropsInBackground: boolean;
  /** Writes its marker with `kept`, so that no reaper drops it. */
  markKept(client: pg.PoolClient, name: string): Promise<void>;
}

export class PreparedPool implements DatabasePool {
  readonly #kind: PooledKind;
  readonly #admin: pg.Pool;
  /** The admin connection for releases: a second one for a kind that drops in the background, else #admin. */
  readonly #releaser: pg.Pool;
  /** Work under way in the background (releaseSoon's drops, ready clones' refills): close() waits for it. */
  readonly #background = new Set<Promise<void>>();
  readonly #ahead: PreparedAhead;
  readonly #connections: PoolConnections;
  readonly #debug: ReturnType<typeof createDebug>;
  #closed = false;

  /** A pool of `kind` on `adminUrl`, `size` made ahead once the process has asked for two; {@link start} starts it. */
  protected constructor(kind: PooledKind, adminUrl: URL, size: number) {
    this.#kind = kind;
    this.#admin = adminPool(adminUrl);
    this.#releaser = kind.dropsInBackground ? adminPool(adminUrl) : this.#admin;
    this.#debug = createDebug(kind.debugNamespace);
    this.#connections = { admin: this.#admin, inBackground: (work) => this.#inBackground(work) };
    this.#ahead = new PreparedAhead(size, () => kind.make(this.#connections));
  }

  /** The kind's start-up work; a failure closes what the pool opened before it is rethrown. */
  protected async start(): Promise<void> {
    try {
      await this.#kind.start?.(this.#connections);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The connections the kind's work runs on, for a subclass's own (the run's ready clones). */
  protected get connections(): PoolConnections {
    return this.#connections;
  }

  /** A fresh one: claimed, prepared ahead, or made now. */
  async acquire(): Promise<IsolatedDatabase> {
    if (this.#closed) throw new Error(this.#kind.closedMessage);
    const name = (await this.#kind.claim?.(this.#connections)) ?? (await this.#ahead.take());
    return { name, url: this.#kind.url(name), isolation: this.#kind.isolation };
  }

  /**
   * Drops one this pool handed out. Connections a test left open on it are
   * closed first (they would block the drop, or hold locks it waits for) and
   * reported afterwards, by a {@link LeftoverConnectionsError}.
   */
  async release(name: string): Promise<void> {
    const started = performance.now();
    const client = await this.#releaser.connect();
    try {
      const leftovers = await closeLeftoverConnections(client, this.#kind.connectionsOf(name));
      await client.query(this.#kind.dropStatement(name));
      this.#debug('dropped %s in %d ms', name, Math.round(performance.now() - started));
      if (leftovers.length > 0) {
        throw new LeftoverConnectionsError({ isolation: this.#kind.isolation, ...this.#kind.placeOf(name) }, leftovers);
      }
    } finally {
      client.release();
    }
  }

  async releaseSoon(name: string): Promise<void> {
    if (!this.#kind.dropsInBackground) return this.release(name);
    if (await othersOpen(this.#releaser, name, HARNESS_APPLICATION_NAME)) return this.release(name);
    const started = performance.now();
    const drop = this.#releaser.query(this.#kind.dropStatement(name)).then(
      () => this.#debug('dropped %s in the background in %d ms', name, Math.round(performance.now() - started)),
      (error: Error) => process.emitWarning(`Could not drop ${name}: ${error.message}`, { code: 'FIXTURES_RELEASE' }),
    );
    this.#inBackground(drop);
  }

  /** Keeps one after the run: its marker says `kept`, so no reaper drops it. */
  async keep(name: string): Promise<void> {
    const client = await this.#admin.connect();
    try {
      await this.#kind.markKept(client, name);
    } finally {
      client.release();
    }
  }

  /**
   * Drops those prepared and not handed out, waits for the work under way in
   * the background, and closes the admin connections. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const name of await this.#ahead.drain()) await this.#admin.query(this.#kind.dropStatement(name));
    await Promise.all(this.#background);
    await Promise.all([...new Set([this.#admin, this.#releaser])].map((pool) => pool.end()));
  }

  #inBackground(work: Promise<void>): void {
    const tracked = work.finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }
}
