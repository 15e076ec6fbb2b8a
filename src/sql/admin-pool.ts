/**
 * A pool of one admin connection of the harness on `url`, with its limits
 * (timeouts.ts). An idle connection the server ends (a restart, a
 * `pg_terminate_backend`) is pg-pool's `error` event; with no listener that
 * is an uncaught exception, printed with the connection's settings, the
 * password among them. Here it is only logged: the pool opens another for the
 * next statement, which fails in its own right if the server is gone.
 */
import pg from 'pg';
import createDebug from '../text/debug.ts';
import { adminConnection } from './timeouts.ts';

const debug = createDebug('fixtures:sql');

export function adminPool(url: URL): pg.Pool {
  const pool = new pg.Pool({ ...adminConnection(url), max: 1, allowExitOnIdle: true });
  pool.on('error', (error) => debug('an idle admin connection ended: %s', error.message));
  return pool;
}
