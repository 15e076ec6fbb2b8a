/**
 * Whether two connections are on one and the same database, as the server
 * sees it, not as their URLs spell it: `127.0.0.1` and `localhost`, `[::1]`, a
 * unix socket, a forwarded port or another role all reach the same database
 * under different text.
 *
 * How: the first connection names itself with a random `application_name`;
 * the second looks that name up in its own server's `pg_stat_activity`. Found,
 * the two are on one server, and that backend's `datname` equal to the
 * second's `current_database()` means one database. Every role may read the
 * `datname` and `application_name` of every backend (only the query, the
 * state and the client's address are hidden from other roles), so this needs
 * no privilege, and it writes nothing.
 *
 * Rejected:
 * - `inet_server_addr()` / `inet_server_port()`: they are the address the
 *   client came in on, so they differ across loopback spellings and port
 *   forwards, and are null on a unix socket.
 * - `pg_control_system()`'s `system_identifier`: copies of one data directory
 *   (a replica, a container image with its cluster baked in) share it, so two
 *   servers would look like one.
 * - `current_setting('data_directory')`: it needs superuser or
 *   pg_read_all_settings, and two hosts may use the same path.
 * - A temporary table as the marker: it writes, a standby refuses it, and
 *   another database cannot see it, so it proves less.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The name of the database that `first` and `second` are both connected to,
 * or `undefined` when they are on different databases or different servers.
 * It renames `first` (its `application_name`): use a connection of its own.
 *
 * @example
 * await withClient(mainUrl, (main) => withClient(shadowUrl, (shadow) => sharedDatabase(shadow, main)));
 * // 'ctoprojects' when both reach it, else undefined
 */
export async function sharedDatabase(first: pg.ClientBase, second: pg.ClientBase): Promise<string | undefined> {
  const marker = `fixtures-same-database-${randomUUID()}`;
  await first.query("SELECT set_config('application_name', $1, false)", [marker]);
  const { rows } = await second.query<{ datname: string }>(
    'SELECT datname FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
    [marker],
  );
  return rows[0]?.datname;
}
