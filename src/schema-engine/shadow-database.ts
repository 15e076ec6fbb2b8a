/**
 * The shadow database: where Prisma Migrate replays the migrations to work out
 * the next one. We follow the native engine's rules: `SHADOW_DATABASE_URL` is
 * emptied before use and must not be the main database (asked of the servers,
 * whatever the spelling: shadow-guard.ts); without it, a
 * database of our own is created on the main server and dropped afterwards,
 * even when the work fails, and, if the process dies, on its way out.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { onDatabase, schemaName } from '../config/database-url.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import createDebug from '../text/debug.ts';
import type { EngineDatabases } from './engine-databases.ts';
import { connectAdapter, pgPoolConfig } from './pg-adapter.ts';
import { refuseMainDatabaseAsShadow } from './shadow-guard.ts';

const debug = createDebug('fixtures:engine:shadow');

/** Temporary shadow databases that exist right now, with their server: what a dying process must drop. */
const temporaryShadows = new Map<string, URL>();

async function dropTemporaryShadow(name: string): Promise<void> {
  const server = temporaryShadows.get(name);
  if (!server) return;
  const started = performance.now();
  await withClient(pgPoolConfig(server), (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  );
  temporaryShadows.delete(name);
  debug('dropped %s in %d ms', name, Math.round(performance.now() - started));
}

/** Drops every temporary shadow database this process still has: for an exit in the middle of work. */
export async function dropTemporaryShadows(): Promise<void> {
  await Promise.allSettled([...temporaryShadows.keys()].map(dropTemporaryShadow));
}

/** A connection to a shadow database for one piece of work; its `dispose()` leaves the server as it was. */
export async function connectToShadowDatabase({ url, shadowUrl }: EngineDatabases): Promise<SqlDriverAdapter> {
  if (shadowUrl) {
    // Before the wipe below: a shadow that reaches the main database under another spelling would take it along.
    await refuseMainDatabaseAsShadow({ label: 'the main URL', url }, shadowUrl);
    const shadow = await connectAdapter(shadowUrl);
    const schema = quoteIdentifier(schemaName(shadowUrl));
    await shadow.executeScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`);
    return shadow;
  }

  const name = `prisma_migrate_shadow_db_${randomUUID()}`;
  const started = performance.now();
  temporaryShadows.set(name, url);
  await withClient(pgPoolConfig(url), (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  debug('created %s in %d ms', name, Math.round(performance.now() - started));
  const onMainServer = onDatabase(url, name);
  let shadow: SqlDriverAdapter;
  try {
    shadow = await connectAdapter(onMainServer);
  } catch (error) {
    await dropTemporaryShadow(name);
    throw error;
  }
  const dispose = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    try {
      await dispose();
    } finally {
      await dropTemporaryShadow(name);
    }
  };
  return shadow;
}
