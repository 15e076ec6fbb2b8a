/**
 * The run's server's unix socket, for tests that reach it that way: only a
 * server on this machine has one here (a testcontainers server's socket is
 * inside its container).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { query } from './databases.ts';

/** Why a socket test cannot run on this run's server. */
export const NO_LOCAL_SOCKET = "the run's server listens in a container: its unix socket is not on this machine";

/** The directory of the server's socket when that socket is on this machine, else `undefined`. */
export async function localSocketDir(url: string): Promise<string | undefined> {
  const [socket] = await query<{ dir: string }>(
    url,
    "SELECT split_part(current_setting('unix_socket_directories'), ',', 1) AS dir",
  );
  const dir = socket?.dir ?? '';
  return dir !== '' && existsSync(join(dir, `.s.PGSQL.${new URL(url).port || 5432}`)) ? dir : undefined;
}
