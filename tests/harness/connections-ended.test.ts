/**
 * Connections the server ends under the harness raise nothing uncaught:
 * - a sandbox's close resolves only once its connection has closed, not only
 *   left its pool: the db fixture drops the file's database in the
 *   background right after (`DROP … WITH (FORCE)`), and a backend terminated
 *   under a client still closing made pg emit an `error` nobody listened to.
 *   Under Vitest's `isolate: false` that failed the run, printing the
 *   connection's settings, the password among them (the suite bench found it);
 * - an idle admin connection of the pools' (admin-pool.ts), terminated by
 *   the server, is replaced at the next statement instead of crashing the
 *   process the same way.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTransactionSandbox } from '../../src/harness/worker/reset/transaction.ts';
import { adminPool } from '../../src/sql/admin-pool.ts';
import { withClient } from '../../src/sql/with-client.ts';
import { migratedDatabase, type TestDatabase } from '../support/databases.ts';

const ROUNDS = 30;

let uncaught: Error[] = [];
const record = (error: Error) => uncaught.push(error);

beforeEach(() => {
  uncaught = [];
  process.on('uncaughtException', record);
});

afterEach(() => {
  process.off('uncaughtException', record);
});

describe('a transaction sandbox closed, then its database dropped at once with FORCE', () => {
  it(`raises no error, ${ROUNDS} times in a row`, async () => {
    const databases: TestDatabase[] = [];
    const first = await migratedDatabase();
    databases.push(first);
    // The admin connection is open before the close, as the pool's releaser is: the DROP follows at once.
    const adminUrl = Object.assign(new URL(first.url), { pathname: '/postgres' }).toString();
    try {
      await withClient(adminUrl, async (admin) => {
        for (let round = 0; round < ROUNDS; round++) {
          const database = round === 0 ? first : await migratedDatabase();
          if (round > 0) databases.push(database);
          const sandbox = await createTransactionSandbox(database.url);
          await sandbox.begin();
          await sandbox.prisma.user.count();
          await sandbox.rollback();
          await sandbox.close();
          await admin.query(`DROP DATABASE "${database.name}" WITH (FORCE)`);
        }
      });
      // An error event fires on the socket's next read: give the last ones their turn.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(uncaught.map((error) => error.message)).toEqual([]);
    } finally {
      for (const database of databases) await database.drop();
    }
  });
});

describe('an admin pool whose idle connection the server terminates', () => {
  it('raises no error, and its next statement runs on a new connection', async () => {
    // Only this pool's connection is ended: the server is shared with the suite's other files.
    const name = `fixtures-test-${process.pid}-${Date.now()}`;
    const url = new URL(inject('serverUrl'));
    url.searchParams.set('application_name', name);
    const pool = adminPool(url);
    try {
      const before = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      // Idle in the pool now: end it as a server restart would.
      await withClient(inject('serverUrl'), (client) =>
        client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const after = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      expect(after).not.toBe(before);
      expect(uncaught.map((error) => error.message)).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
