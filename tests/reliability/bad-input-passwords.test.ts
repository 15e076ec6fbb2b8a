/**
 * The password half of the bad-input sweep: every command of the package
 * (the Prisma command, the seed, the engine, a worker's withDatabase), given
 * bad input that holds a password, fails with a non-zero exit, prints that
 * password nowhere on stdout or stderr, says what is wrong and what to do
 * next (each case's words in SAYS), and changes no data. Each case draws
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

  /** What each case's message says: the thing that is wrong, and what to do next. */
  const SAYS: Record<string, RegExp> = {
    'prisma migrate deploy, a wrong password': /P1000: Authentication failed against database server/,
    'prisma migrate deploy, a refused port': /P1001: Can't reach database server at `127\.0\.0\.1:1`/,
    'prisma migrate status, an unknown host': /P1001: Can't reach database server at `db\.example\.invalid:5432`/,
    'prisma migrate status, a URL missing its colon':
      /DATABASE_URL is not a valid URL .*: use the form postgresql:\/\//,
    'prisma migrate status, a raw / in the password':
      /DATABASE_URL is not a valid URL .*percent-encode special characters in the password/,
    'prisma migrate status, a libpq key=value string':
      /DATABASE_URL is not a valid URL .*: use the form postgresql:\/\//,
    'prisma migrate status, ?password= on an unknown host':
      /P1001: Can't reach database server at `db\.example\.invalid:5432`/,
    'prisma migrate status, a mysql:// DIRECT_DATABASE_URL':
      /DIRECT_DATABASE_URL must start with postgresql:\/\/ .*: this data layer only speaks PostgreSQL/,
    'prisma migrate dev, the main database as the shadow under localhost':
      /SHADOW_DATABASE_URL reaches the same database as DATABASE_URL/,
    'seed:baseline, a wrong password':
      /refused the user "postgres" .*: check the user and password in DATABASE_URL\. Nothing was written\./,
    'seed:baseline, ?host= of a remote server':
      /DATABASE_URL points at db\.example\.invalid \(from \?host=\), which is not this machine\. Nothing was written\. To seed it anyway, pass --allow-remote/,
    'seed:baseline, a malformed URL': /DATABASE_URL is not a valid URL .*: use the form postgresql:\/\//,
    'seed:baseline, a database never migrated':
      /never migrated\. Nothing was written\. Run npm run prisma:migrate:deploy against this database/,
    'the engine, a malformed datasource URL': /The datasource's url is not a valid URL/,
    'the engine, a wrong password': /"error_code":"P1000","message":"Authentication failed against database server/,
    'withDatabase, TEST_DATABASE_URL with a wrong password':
      /DatabaseConnectionError: PostgreSQL at 127\.0\.0\.1:\d+ \(TEST_DATABASE_URL\) refused the password of the role "postgres": correct the password in TEST_DATABASE_URL/,
    'withDatabase, TEST_DATABASE_URL on a refused port':
      /DatabaseConnectionError: Nothing accepts connections at 127\.0\.0\.1:1 \(TEST_DATABASE_URL\): start PostgreSQL there/,
    'withDatabase, a malformed TEST_DATABASE_URL':
      /DatabaseUrlError: TEST_DATABASE_URL is not a valid URL .*: use the form postgresql:\/\//,
    'withDatabase, FIXTURES_HARNESS with a malformed adminUrl':
      /ConfigurationError: FIXTURES_HARNESS lacks a valid .*: unset it/,
  };

  it.each(CASES)(
    '%s: fails saying what and what next, prints no password, changes nothing',
    async (name, run, real) => {
      const password = real ? new URL(victim.url).password : newPassword();

      const result = await run(password);

      expect(result.code, result.output).not.toBe(0);
      expect(result.output).toMatch(SAYS[name] ?? /a message this test knows/);
      expect(passwordShown(result.output, password, new URL(victim.url).username), result.output).toBe(false);
      expect(await contents()).toBe(fingerprint);
    },
  );

  it('covers the real password too: it is what the run’s server uses', () => {
    expect(new URL(inject('serverUrl')).password).toBe(new URL(victim.url).password);
  });
});
