/**
 * A real PgBouncer (Debian's `pgbouncer` package) in transaction mode on
 * loopback, in front of the run's PostgreSQL, for the tests that prove the
 * data layer works through it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/harness/run/servers/free-port.ts';

const PGBOUNCER_BINARIES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];

export interface StartedPgBouncer {
  /** `postgresql://user:password@127.0.0.1:<port>/<database>`: the server URL, rerouted through PgBouncer. */
  urlFor(serverUrl: string): string;
  /** Everything PgBouncer logged so far (connections are logged). */
  log(): string;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PgBouncer exited with code ${child.exitCode}:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`PgBouncer did not listen on 127.0.0.1:${port} within 15 s:\n${output()}`);
}

/** Starts PgBouncer in transaction mode in front of the server `serverUrl` points at. */
export async function startPgBouncer(serverUrl: string): Promise<StartedPgBouncer> {
  const binary = PGBOUNCER_BINARIES.find((path) => existsSync(path));
  if (!binary)
    throw new Error('PgBouncer is not installed: apt-get install pgbouncer (the PgBouncer tests need a real one).');
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'fixtures-pgbouncer-'));
  await writeFile(join(dir, 'userlist.txt'), `"${user}" "${password}"\n`, { mode: 0o600 });
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 4',
      'max_client_conn = 200',
      'log_connections = 1',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  // PgBouncer, like PostgreSQL, will not run as root.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    for (const path of [dir, join(dir, 'userlist.txt'), join(dir, 'pgbouncer.ini')]) chownSync(path, uid, gid);
  }
  const child = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  try {
    await waitForPort(port, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    urlFor(target) {
      const url = new URL(target);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    log: () => output,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        if (child.exitCode !== null || !child.kill('SIGTERM')) resolve();
      }).then(() => rm(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
