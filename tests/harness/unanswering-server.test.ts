/**
 * A server that takes the connection and never answers (a stopped container
 * behind a live port, a proxy with nothing behind it) used to hang a run
 * forever, with no output: pg waits as long as the socket is open, and
 * Vitest does not time out a global setup. Now the run fails within
 * FIXTURES_CONNECT_TIMEOUT_MS (or FIXTURES_ADMIN_TIMEOUT_MS, once logged in),
 * naming the host and port and the setting to raise.
 *
 * Each run is a child process killed after 60 s, and a killed one fails the
 * test: a hang detector, not a timing target.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVitest } from '../support/nested-vitest.ts';
import { type CliResult, PROJECT_ROOT, runNode } from '../support/run-cli.ts';
import { type SilentServer, startSilentServer } from '../support/silent-server.ts';

const VITEST_CONFIG = fileURLToPath(new URL('../reliability/fixtures/vitest.config.ts', import.meta.url));
const HANG_DETECTOR_MS = 60_000;

/** A process of its own: not this run's (FIXTURES_HARNESS), on the server of `url`. */
const onServer = (url: string, extra: Record<string, string> = {}) => ({
  env: { FIXTURES_HARNESS: undefined, FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: url, ...extra },
  timeoutMs: HANG_DETECTOR_MS,
});

const withDatabase = (options: ReturnType<typeof onServer>) =>
  runNode(
    [
      '--input-type=module',
      '-e',
      `import { withDatabase } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'index.ts'))};
       await withDatabase(async () => 1);`,
    ],
    options,
  );

/** The child ended by itself (not by the hang detector's SIGKILL), with a failure. */
function expectFailedByItself(result: CliResult): void {
  expect(result.code, `killed after ${HANG_DETECTOR_MS} ms, hung:\n${result.output}`).not.toBeNull();
  expect(result.code, result.output).not.toBe(0);
}

describe('a server that accepts the connection and never answers', () => {
  let silent: SilentServer;
  const password = `Pw-${randomBytes(9).toString('base64url')}`;

  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });

  it('fails withDatabase within FIXTURES_CONNECT_TIMEOUT_MS, naming the host, the port and the setting', async () => {
    const result = await withDatabase(onServer(silent.url(password), { FIXTURES_CONNECT_TIMEOUT_MS: '500' }));

    expectFailedByItself(result);
    expect(result.stderr).toContain(
      `DatabaseConnectionError: PostgreSQL at 127.0.0.1:${silent.port} (TEST_DATABASE_URL) did not answer within 500 ms: ` +
        'check that PostgreSQL, not another program, listens there and is not overloaded; or raise FIXTURES_CONNECT_TIMEOUT_MS (500 now).',
    );
    expect(result.output).not.toContain(password);
    expect(silent.connections()).toBeGreaterThan(0);
  });

  it('fails a Vitest run in its global setup, where it used to hang it', async () => {
    const result = await runVitest(
      VITEST_CONFIG,
      [],
      onServer(silent.url(password), { FIXTURES_CONNECT_TIMEOUT_MS: '500' }),
    );

    expectFailedByItself(result);
    expect(result.output).toContain(
      `DatabaseConnectionError: PostgreSQL at 127.0.0.1:${silent.port} (TEST_DATABASE_URL) did not answer within 500 ms`,
    );
    expect(result.output).not.toContain(password);
  });
});

describe('a server that logs the harness in and then never answers a statement', () => {
  let silent: SilentServer;
  const password = `Pw-${randomBytes(9).toString('base64url')}`;

  beforeAll(async () => {
    silent = await startSilentServer({ afterLogin: true });
  });
  afterAll(async () => {
    await silent?.close();
  });

  it('fails withDatabase within FIXTURES_ADMIN_TIMEOUT_MS, naming the host, the port and the setting', async () => {
    const result = await withDatabase(onServer(silent.url(password), { FIXTURES_ADMIN_TIMEOUT_MS: '500' }));

    expectFailedByItself(result);
    expect(result.stderr).toContain(
      `DatabaseConnectionError: PostgreSQL at 127.0.0.1:${silent.port} (TEST_DATABASE_URL) stopped answering: ` +
        'a statement of the harness got no reply within 500 ms. Look in pg_stat_activity for what it waits on; or raise FIXTURES_ADMIN_TIMEOUT_MS (500 now).',
    );
    expect(result.output).not.toContain(password);
  });
});
