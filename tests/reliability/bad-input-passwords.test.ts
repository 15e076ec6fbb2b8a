/**
 * The password half of the bad-input sweep: every command of the package
 * (the Prisma command, the seed, the engine, a worker's withDatabase), given
 * bad input that holds a password, fails with a non-zero exit, prints that
 * password nowhere on stdout or stderr, and changes no data. Each case draws
 * a password of its own; cases against the run's server use its real one.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { passwordShown } from '../support/password-shown.ts';
import { type CliResult, PROJECT_ROOT, runNode, runPrisma } from '../support/run-cli.ts';

/** Each case gets a fresh password, recognisable in any output by its prefix. */
const newPassword = () => `Pw-${randomBytes(9).toString('base64url')}`;

const cli = (args: string[], env: Record<string, string | undefined>) =>
  runNode([join(PROJECT_ROOT, 'src', 'cli', 'main.ts'), ...args], { env });

/** A worker's first withDatabase, on the server that its environment names. */
const worker = (env: Record<string, string | undefined>) =>
  runNode(
    [
      '--input-type=module',
      '-e',
      `import { withDatabase } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'index.ts'))};
       await withDatabase(async () => 1);`,
    ],
    { env: { FIXTURES_HARNESS: undefined, ...env }, timeoutMs: 60_000 },
  );

const engine = (datasource: object) =>
  runNode(
    [
      join(PROJECT_ROOT, 'src', 'schema-engine', 'main.ts'),
      '--datasource',
      JSON.stringify(datasource),
      'cli',
      'can-connect-to-database',
    ],
    {},
  );

describe('bad input that holds a password', () => {
  let victim: TestDatabase;
  let fingerprint: unknown;
  /** The run's server with `password` (and optionally another database) in place of its own. */
  const onServer = (password: string, database = victim.name) => {
    const url = new URL(victim.url);
    url.password = password;
    url.pathname = `/${database}`;
    return url.toString();
  };
  const contents = () =>
    query(victim.url, 'SELECT email, display_name FROM users ORDER BY email').then((rows) => JSON.stringify(rows));

  beforeAll(async () => {
    victim = await migratedDatabase();
    await query(victim.url, "INSERT INTO users (email, display_name) VALUES ('keep@ctoprojects.dev', 'Keep')");
    fingerprint = await contents();
  });

  afterAll(async () => {
    await victim?.drop();
  });

  /** [case, the password it holds, the run]. `real` cases hold the server's real password. */
  const CASES: Array<[string, (password: string) => Promise<CliResult>, 'real'?]> = [
    [
      'prisma migrate deploy, a wrong password',
      (pw) => runPrisma(['migrate', 'deploy'], { env: { DATABASE_URL: onServer(pw) } }),
    ],
    [
      'prisma migrate deploy, a refused port',
      (pw) => runPrisma(['migrate', 'deploy'], { env: { DATABASE_URL: `postgresql://postgres:${pw}@127.0.0.1:1/x` } }),
    ],
    [
      'prisma migrate status, an unknown host',
      (pw) =>
        runPrisma(['migrate', 'status'], { env: { DATABASE_URL: `postgresql://postgres:${pw}@db.example.invalid/x` } }),
    ],
    [
      'prisma migrate status, a URL missing its colon',
      (pw) => runPrisma(['migrate', 'status'], { env: { DATABASE_URL: `postgres//postgres:${pw}@localhost/x` } }),
    ],
    [
      'prisma migrate status, a raw / in the password',
      (pw) => runPrisma(['migrate', 'status'], { env: { DATABASE_URL: `postgresql://postgres:a/${pw}@localhost/x` } }),
    ],
    [
      'prisma migrate status, a libpq key=value string',
      (pw) =>
        runPrisma(['migrate', 'status'], { env: { DATABASE_URL: `host=localhost password='it''s ${pw}' dbname=x` } }),
    ],
    [
      'prisma migrate status, ?password= on an unknown host',
      (pw) =>
        runPrisma(['migrate', 'status'], {
          env: { DATABASE_URL: `postgresql://db.example.invalid/x?user=postgres&password=${pw}` },
        }),
    ],
    [
      'prisma migrate status, a mysql:// DIRECT_DATABASE_URL',
      (pw) =>
        runPrisma(['migrate', 'status'], {
          env: { DATABASE_URL: onServer(pw), DIRECT_DATABASE_URL: `mysql://root:${pw}@localhost/x` },
        }),
    ],
    [
      'prisma migrate dev, the main database as the shadow under localhost',
      (pw) => {
        const shadow = new URL(onServer(pw));
        shadow.hostname = 'localhost';
        return runPrisma(['migrate', 'dev', '--name', 'x'], {
          env: { DATABASE_URL: onServer(pw), SHADOW_DATABASE_URL: shadow.toString() },
        });
      },
      'real',
    ],
    ['seed:baseline, a wrong password', (pw) => cli(['seed:baseline'], { DATABASE_URL: onServer(pw) })],
    [
      'seed:baseline, ?host= of a remote server',
      (pw) => cli(['seed:baseline'], { DATABASE_URL: `postgresql:///x?host=db.example.invalid&password=${pw}` }),
    ],
    [
      'seed:baseline, a malformed URL',
      (pw) => cli(['seed:baseline'], { DATABASE_URL: `postgresql://postgres:${pw}@[::1/x` }),
    ],
    [
      'seed:baseline, a database never migrated',
      (pw) => cli(['seed:baseline'], { DATABASE_URL: onServer(pw, 'postgres') }),
      'real',
    ],
    ['the engine, a malformed datasource URL', (pw) => engine({ url: `postgresql://postgres:${pw}@[::1/x` })],
    ['the engine, a wrong password', (pw) => engine({ url: onServer(pw) })],
    [
      'withDatabase, TEST_DATABASE_URL with a wrong password',
      (pw) => worker({ FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: onServer(pw, 'postgres') }),
    ],
    [
      'withDatabase, TEST_DATABASE_URL on a refused port',
      (pw) =>
        worker({
          FIXTURES_PROVIDER: 'external',
          TEST_DATABASE_URL: `postgresql://postgres:${pw}@127.0.0.1:1/postgres`,
        }),
    ],
    [
      'withDatabase, a malformed TEST_DATABASE_URL',
      (pw) => worker({ FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: `postgresql://postgres:${pw}@[::1/postgres` }),
    ],
    [
      'withDatabase, FIXTURES_HARNESS with a malformed adminUrl',
      (pw) =>
        worker({
          FIXTURES_HARNESS: JSON.stringify({ adminUrl: `postgresql://postgres:${pw}@[::1/postgres`, template: 'x' }),
        }),
    ],
  ];

  it.each(CASES)('%s: fails, prints no password, changes nothing', async (_case, run, real) => {
    const password = real ? new URL(victim.url).password : newPassword();

    const result = await run(password);

    expect(result.code, result.output).not.toBe(0);
    expect(passwordShown(result.output, password, new URL(victim.url).username), result.output).toBe(false);
    expect(await contents()).toBe(fingerprint);
  });

  it('covers the real password too: it is what the run’s server uses', () => {
    expect(new URL(inject('serverUrl')).password).toBe(new URL(victim.url).password);
  });
});
