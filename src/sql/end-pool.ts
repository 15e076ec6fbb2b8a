/**
 * Ends a pg pool and waits until each of its connections has closed, not only
 * left the pool: pg-pool's `end()` resolves as soon as the last one has left,
 * while its socket is still closing. A database dropped `WITH (FORCE)` right
 * after (a release in the background) terminates the backend of such a
 * connection, and pg reports that as the pool's `error` event; with no
 * listener left (adapter-pg removes its own from a pool it did not make), that
 * is an uncaught exception, which a test runner prints with the connection's
 * settings, the password among them.
 */
import type pg from 'pg';
import createDebug from '../text/debug.ts';

const debug = createDebug('fixtures:sql');

export async function endPool(pool: pg.Pool): Promise<void> {
  // A connection on its way out has nothing left to report to anyone.
  pool.on('error', (error) => debug('a closing connection reported: %s', error.message));
  const closing = pool.totalCount;
  let closed = 0;
  const allClosed = new Promise<void>((resolve) => {
    if (closing === 0) resolve();
    pool.on('remove', () => {
      closed += 1;
      if (closed >= closing) resolve();
    });
  });
  await pool.end();
  await allClosed;
}
