/**
 * Who may log in to a cluster copied from the cache (cluster-cache.ts), and
 * how each copy gets a superuser password of its own.
 *
 * A cached cluster holds no password: its `postgres` role has none, so no
 * password works on TCP until the copy is given its own. That is done over
 * the unix socket, which lives in the data directory (mode 0700, the server
 * user's) and lets in only this process's OS user, as `postgres` (`peer`
 * with a map): the same users who may read and write the cluster's files
 * anyway. TCP asks for the password (SCRAM-SHA-256), as on a cluster from
 * `initdb --auth=scram-sha-256`. The password reaches the server as a SCRAM
 * verifier, never in clear, so no log of the server can hold it.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { withClient } from '../../../sql/with-client.ts';

const IDENT_MAP = 'fixtures';

/** Writes the cluster's pg_hba.conf and pg_ident.conf: peer on the socket for this OS user, SCRAM on TCP. */
export async function writeAccessFiles(dataDir: string): Promise<void> {
  const user = userInfo().username.replaceAll('"', '');
  const hba = [
    '# Written by @ctoprojects/fixtures (servers/cluster-access.ts).',
    '# The socket sits in the data directory: only its owner and this OS user reach it.',
    `local all postgres peer map=${IDENT_MAP}`,
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all ::1/128 scram-sha-256',
  ];
  await writeFile(join(dataDir, 'pg_hba.conf'), `${hba.join('\n')}\n`, { mode: 0o600 });
  await writeFile(join(dataDir, 'pg_ident.conf'), `${IDENT_MAP} "${user}" postgres\n`, { mode: 0o600 });
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, as
 * libpq's PQencryptPasswordConn makes it): `ALTER ROLE … PASSWORD` accepts
 * one as it is. For printable ASCII, which SASLprep leaves unchanged.
 */
function scramVerifier(password: string): string {
  const iterations = 4096;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Gives the superuser of the cluster running on `dataDir` and `port` the
 * password `password`, or none (`null`: no password then works, as in the
 * cache), over the unix socket.
 */
export async function setSuperuserPassword(dataDir: string, port: number, password: string | null): Promise<void> {
  if (password !== null && !/^[\x21-\x7e]+$/.test(password)) {
    throw new RangeError('A cached cluster takes a password of printable ASCII only.');
  }
  // A verifier holds [A-Za-z0-9+/=$:] only: nothing to quote.
  const verifier = password === null ? 'NULL' : `'${scramVerifier(password)}'`;
  await withClient({ host: dataDir, port, user: 'postgres', database: 'postgres' }, (client) =>
    client.query(`ALTER ROLE postgres PASSWORD ${verifier}`),
  );
}

/** The superuser's URL of a cluster on loopback `port`, `password` included: keep it out of logs. */
export function superuserUrl(port: number, password: string): URL {
  return new URL(`postgresql://postgres:${password}@127.0.0.1:${port}/postgres`);
}
