/**
 * `seed:baseline` refuses a server that is not this machine, whichever way
 * the connection string (or the environment) spells the host, before it opens
 * any connection; and seeds this machine's server under every loopback spelling.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { PROJECT_ROOT, runNode } from '../support/run-cli.ts';
import { forwardTcp, type TcpForwarder } from '../support/tcp-forwarder.ts';
import { localSocketDir, NO_LOCAL_SOCKET } from '../support/unix-socket.ts';

const CONNECTION_ATTEMPT = 'fixtures-test: connection attempt';

/** `seed:baseline` with `env`, reporting each connection it opens. */
const seedBaseline = (env: Record<string, string>) =>
  runNode(
    [
      '--import',
      join(PROJECT_ROOT, 'tests', 'support', 'connection-attempts.mjs'),
      join(PROJECT_ROOT, 'src', 'cli', 'main.ts'),
      'seed:baseline',
    ],
    // PG* variables of the developer's shell must not decide where a case points.
    { env: { PGHOST: undefined, PGHOSTADDR: undefined, ...env } },
  );

describe('seed:baseline and a remote server', () => {
  const remote = 'db.example.invalid';

  it.each([
    ['the URL', `postgresql://app:PW@${remote}/ctoprojects`, {}, remote],
    [
      '?host= with no host in the URL',
      `postgresql:///ctoprojects?host=${remote}&user=app&password=PW`,
      {},
      `${remote} (from ?host=)`,
    ],
    [
      '?host= over the URL’s localhost',
      `postgresql://app:PW@localhost/ctoprojects?host=${remote}`,
      {},
      `${remote} (from ?host=)`,
    ],
    [
      'a second ?host=',
      `postgresql://app:PW@localhost/ctoprojects?host=localhost&host=${remote}`,
      {},
      `${remote} (from ?host=)`,
    ],
    ['?host= over [::1]', `postgresql://app:PW@[::1]/ctoprojects?host=${remote}`, {}, `${remote} (from ?host=)`],
    ['a list of hosts in the URL', `postgresql://app:PW@localhost,${remote}/ctoprojects`, {}, remote],
    [
      'a list of hosts in ?host=',
      `postgresql:///ctoprojects?host=localhost,${remote}&password=PW`,
      {},
      `${remote} (from ?host=)`,
    ],
    ['?hostaddr=', `postgresql://app:PW@localhost/ctoprojects?hostaddr=${remote}`, {}, `${remote} (from ?hostaddr=)`],
    ['PGHOSTADDR', 'postgresql://app:PW@localhost/ctoprojects', { PGHOSTADDR: remote }, `${remote} (from PGHOSTADDR)`],
    [
      'PGHOST under an empty ?host=',
      'postgresql:///ctoprojects?host=&password=PW',
      { PGHOST: remote },
      `${remote} (from PGHOST)`,
    ],
  ])('through %s is refused with exit 2, naming the host, before any connection', async (_spelling, url, env, seen) => {
    const password = randomBytes(9).toString('hex');

    const result = await seedBaseline({ DATABASE_URL: url.replace('PW', password), ...env });

    expect(result.code, result.output).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `Error: DATABASE_URL points at ${seen}, which is not this machine. Nothing was written. To seed it anyway, pass --allow-remote or set FIXTURES_SEED_ALLOW_REMOTE=1.`,
    );
    expect(result.output).not.toContain(CONNECTION_ATTEMPT);
    expect(result.output).not.toContain(password);
  });
});

describe('seed:baseline on this machine', () => {
  let database: TestDatabase;
  let forwarder: TcpForwarder;
  let socketDir: string | undefined;

  beforeAll(async () => {
    database = await migratedDatabase();
    socketDir = await localSocketDir(database.url);
    const server = new URL(inject('serverUrl'));
    forwarder = await forwardTcp('::1', { host: server.hostname, port: Number(server.port) });
  });

  afterAll(async () => {
    await forwarder?.close();
    await database?.drop();
  });

  const respelled = (change: (url: URL) => void) => {
    const url = new URL(database.url);
    change(url);
    return url.toString();
  };

  it.for<[string, () => string]>([
    ['127.0.0.1', () => database.url],
    ['localhost', () => respelled((url) => (url.hostname = 'localhost'))],
    ['?host=127.0.0.1 over localhost', () => respelled((url) => url.searchParams.set('host', '127.0.0.1'))],
    [
      'a unix socket',
      () => {
        const { username, password, port } = new URL(database.url);
        return `postgresql:///${database.name}?host=${encodeURIComponent(socketDir ?? '')}&port=${port}&user=${username}&password=${password}`;
      },
    ],
    [
      '[::1] (forwarded to the server)',
      () =>
        respelled((url) => {
          url.hostname = '[::1]';
          url.port = String(forwarder.port);
        }),
    ],
  ])('through %s is seeded', async ([spelling, url], { skip }) => {
    skip(spelling === 'a unix socket' && socketDir === undefined, NO_LOCAL_SOCKET);
    const result = await seedBaseline({ DATABASE_URL: url() });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(CONNECTION_ATTEMPT); // the probe works: a real seed connects
    expect(await query(database.url, "SELECT 1 FROM users WHERE email = 'admin@ctoprojects.dev'")).toHaveLength(1);
  });
});
