/**
 * The bad-input sweep: every way a person can point the harness, its options
 * or the factories at something that will not do, each run as a user runs
 * it (a child process: a script's withDatabase, a Vitest run). For each case:
 *
 * - the process ends by itself (a hang detector kills it after 60 s, and a
 *   killed one fails) with a non-zero exit;
 * - the first error line names the thing at fault and the next step;
 * - no password appears anywhere in what it printed: each case draws one of
 *   its own, and the cases on the run's server hold its real one too;
 * - the data on the run's server is unchanged.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '../../src/sql/with-client.ts';
import { migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { runFixtureFiles, runVitest } from '../support/nested-vitest.ts';
import { passwordShown } from '../support/password-shown.ts';
import { type CliResult, PROJECT_ROOT, type RunOptions, runNode, runPrisma } from '../support/run-cli.ts';
import { type SilentServer, startSilentServer } from '../support/silent-server.ts';

const HANG_DETECTOR_MS = 60_000;
const VITEST_CONFIG = fileURLToPath(new URL('fixtures/vitest.config.ts', import.meta.url));
const ROOT = JSON.stringify(join(PROJECT_ROOT, 'src', 'index.ts'));

/** Each case gets a fresh password, recognisable in any output by its prefix. */
const newPassword = () => `Pw-${randomBytes(9).toString('base64url')}`;

/** `code` in a child of its own, with the package root's exports in scope as `fixtures`. */
const script = (code: string, options: RunOptions) =>
  runNode(['--input-type=module', '-e', `import * as fixtures from ${ROOT};\n${code}`], {
    timeoutMs: HANG_DETECTOR_MS,
    ...options,
  });

/** A script's first withDatabase, in a process that sets up a run of its own from `env`. */
const standalone = (env: Record<string, string | undefined>, code = 'await fixtures.withDatabase(async () => 1);') =>
  script(code, { env: { FIXTURES_HARNESS: undefined, FIXTURES_PROVIDER: 'external', ...env } });

/** The first line of what it printed that reads `SomethingError: …`: what the person sees first. */
function firstErrorLine(result: CliResult): string | undefined {
  return result.output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /^\w*Error: /.test(line));
}

describe('bad input', () => {
  let victim: TestDatabase;
  let fingerprint: string;
  let silent: SilentServer;
  let mute: SilentServer;
  let scratch: string;
  const serverPassword = () => new URL(inject('serverUrl')).password;
  /** The run's server with `password` (and optionally another database and role) in place of its own. */
  const onServer = (password: string, database = 'postgres', role = 'postgres') => {
    const url = new URL(inject('serverUrl'));
    url.username = role;
    url.password = password;
    url.pathname = `/${database}`;
    return url.toString();
  };
  const contents = () =>
    query(victim.url, 'SELECT email, display_name FROM users ORDER BY email').then((rows) => JSON.stringify(rows));
  /** A script on the victim database, through the package's factories. */
  const onVictim = (code: string) =>
    script(
      `const prisma = fixtures.createPrismaClient({ url: process.env.VICTIM_URL });
       const factories = fixtures.createFactories(prisma, { seed: 'bad-input' });
       try { ${code} } finally { await prisma.$disconnect(); }`,
      { env: { VICTIM_URL: victim.url } },
    );

  beforeAll(async () => {
    victim = await migratedDatabase();
    await query(victim.url, "INSERT INTO users (email, display_name) VALUES ('keep@ctoprojects.dev', 'Keep')");
    fingerprint = await contents();
    silent = await startSilentServer();
    mute = await startSilentServer({ afterLogin: true });
    scratch = await mkdtemp(join(tmpdir(), 'fixtures-bad-input-'));
    await writeFile(join(scratch, 'a-file'), '');
  });

  afterAll(async () => {
    await victim?.drop();
    await silent?.close();
    await mute?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** [case, how to run it with the case's password, what its first error line must say]. */
  const CASES: Array<[string, (password: string) => Promise<CliResult>, RegExp]> = [
    // ─── TEST_DATABASE_URL: the server of a run ───────────────────────────
    [
      'TEST_DATABASE_URL with a wrong password',
      (pw) => standalone({ TEST_DATABASE_URL: onServer(pw) }),
      /^DatabaseConnectionError: PostgreSQL at 127\.0\.0\.1:\d+ \(TEST_DATABASE_URL\) refused the password of the role "postgres": correct the password in TEST_DATABASE_URL .*, or unset TEST_DATABASE_URL and the harness starts a server of its own\.$/,
    ],
    [
      'TEST_DATABASE_URL on a refused port',
      (pw) => standalone({ TEST_DATABASE_URL: `postgresql://postgres:${pw}@127.0.0.1:1/postgres` }),
      /^DatabaseConnectionError: Nothing accepts connections at 127\.0\.0\.1:1 \(TEST_DATABASE_URL\): start PostgreSQL there, or correct the host and port in TEST_DATABASE_URL, or unset/,
    ],
    [
      'TEST_DATABASE_URL on an unknown host',
      (pw) => standalone({ TEST_DATABASE_URL: `postgresql://postgres:${pw}@db.example.invalid/postgres` }),
      /^DatabaseConnectionError: The host "db\.example\.invalid" of TEST_DATABASE_URL does not resolve \(E\w+\): correct the host name in TEST_DATABASE_URL, or unset/,
    ],
    [
      'TEST_DATABASE_URL naming a database that does not exist',
      () => standalone({ TEST_DATABASE_URL: onServer(serverPassword(), 'fixtures_absent_db') }),
      /^DatabaseConnectionError: PostgreSQL at 127\.0\.0\.1:\d+ \(TEST_DATABASE_URL\) has no database "fixtures_absent_db": name one that exists in TEST_DATABASE_URL \(postgres always does\)/,
    ],
    [
      'TEST_DATABASE_URL on a server that accepts and never answers',
      (pw) => standalone({ TEST_DATABASE_URL: silent.url(pw), FIXTURES_CONNECT_TIMEOUT_MS: '500' }),
      /^DatabaseConnectionError: PostgreSQL at 127\.0\.0\.1:\d+ \(TEST_DATABASE_URL\) did not answer within 500 ms: .*; or raise FIXTURES_CONNECT_TIMEOUT_MS \(500 now\)\.$/,
    ],
    [
      'TEST_DATABASE_URL on a server that logs in and never answers a statement',
      (pw) => standalone({ TEST_DATABASE_URL: mute.url(pw), FIXTURES_ADMIN_TIMEOUT_MS: '500' }),
      /^DatabaseConnectionError: PostgreSQL at 127\.0\.0\.1:\d+ \(TEST_DATABASE_URL\) stopped answering: .*; or raise FIXTURES_ADMIN_TIMEOUT_MS \(500 now\)\.$/,
    ],
    [
      'TEST_DATABASE_URL as a role without CREATEDB, the template already built',
      async (pw) => {
        const role = `fixtures_nocreatedb_${randomBytes(4).toString('hex')}`;
        await withClient(inject('serverUrl'), (admin) =>
          admin.query(`CREATE ROLE "${role}" LOGIN NOCREATEDB PASSWORD '${pw}'`),
        );
        try {
          return await standalone({ TEST_DATABASE_URL: onServer(pw, 'postgres', role) });
        } finally {
          await withClient(inject('serverUrl'), (admin) => admin.query(`DROP ROLE "${role}"`));
        }
      },
      /^OptionError: The server at postgresql:\/\/fixtures_nocreatedb_\w+:\*\*\*@[^ ]+ \(TEST_DATABASE_URL\) does not let the harness create databases \(permission denied to create database: the role "\w+" has neither CREATEDB nor SUPERUSER\), so `database` isolation cannot clone one: use withDatabase\(fn, \{ isolation: 'schema' \}\) or test\.override\(\{ dbIsolation: 'schema' \}\), or grant the role CREATEDB\.$/,
    ],
    [
      'a Vitest run, TEST_DATABASE_URL with a wrong password',
      (pw) =>
        runVitest(VITEST_CONFIG, [], {
          env: { FIXTURES_HARNESS: undefined, FIXTURES_PROVIDER: undefined, TEST_DATABASE_URL: onServer(pw) },
          timeoutMs: HANG_DETECTOR_MS,
        }),
      /^DatabaseConnectionError: PostgreSQL at 127\.0\.0\.1:\d+ \(TEST_DATABASE_URL\) refused the password of the role "postgres": correct the password in TEST_DATABASE_URL/,
    ],
    [
      'a Vitest run, TEST_DATABASE_URL on a server that never answers',
      (pw) =>
        runVitest(VITEST_CONFIG, [], {
          env: {
            FIXTURES_HARNESS: undefined,
            FIXTURES_PROVIDER: undefined,
            TEST_DATABASE_URL: silent.url(pw),
            FIXTURES_CONNECT_TIMEOUT_MS: '500',
          },
          timeoutMs: HANG_DETECTOR_MS,
        }),
      /^DatabaseConnectionError: PostgreSQL at 127\.0\.0\.1:\d+ \(TEST_DATABASE_URL\) did not answer within 500 ms: .*raise FIXTURES_CONNECT_TIMEOUT_MS/,
    ],
    // ─── FIXTURES_* variables ────────────────────────────────────────────
    [
      "FIXTURES_HARNESS='{}'",
      () => script('await fixtures.withDatabase(async () => 1);', { env: { FIXTURES_HARNESS: '{}' } }),
      /^ConfigurationError: FIXTURES_HARNESS lacks a valid provider, adminUrl, template, source: the harness's global setup writes it for its workers: unset it/,
    ],
    [
      'FIXTURES_HARNESS with the admin URL and no template',
      (pw) =>
        script('await fixtures.withDatabase(async () => 1);', {
          env: { FIXTURES_HARNESS: JSON.stringify({ provider: 'external', adminUrl: onServer(pw) }) },
        }),
      /^ConfigurationError: FIXTURES_HARNESS lacks a valid template, source: .* unset it/,
    ],
    [
      'FIXTURES_HARNESS with ready clones of a negative count',
      (pw) =>
        script('await fixtures.withDatabase(async () => 1);', {
          env: {
            FIXTURES_HARNESS: JSON.stringify({
              provider: 'external',
              adminUrl: onServer(pw),
              template: 'fixtures_tpl_0000000000000000',
              source: { migrationsDir: '/m', schemaPath: '/s' },
              ready: { count: -1, total: 'all' },
            }),
          },
        }),
      /^ConfigurationError: FIXTURES_HARNESS lacks a valid ready: .* unset it/,
    ],
    [
      'FIXTURES_CLUSTER_DIR that does not exist',
      () => standalone({ FIXTURES_PROVIDER: 'embedded', FIXTURES_CLUSTER_DIR: join(scratch, 'absent') }),
      /^ConfigurationError: FIXTURES_CLUSTER_DIR is "[^"]+\/absent", which does not exist: create it \(mkdir -p '[^']+'\), or unset FIXTURES_CLUSTER_DIR to use \/dev\/shm or the temp directory\.$/,
    ],
    [
      'FIXTURES_CLUSTER_DIR naming a file',
      () => standalone({ FIXTURES_PROVIDER: 'embedded', FIXTURES_CLUSTER_DIR: join(scratch, 'a-file') }),
      /^ConfigurationError: FIXTURES_CLUSTER_DIR is "[^"]+\/a-file", which is not a directory: name a directory, or unset/,
    ],
    [
      'FIXTURES_CLUSTER_CACHE=yes',
      () => standalone({ FIXTURES_PROVIDER: 'embedded', FIXTURES_CLUSTER_CACHE: 'yes' }),
      /^OptionError: FIXTURES_CLUSTER_CACHE is "yes": use '1' or '0', or unset it to copy throwaway clusters from the cache\.$/,
    ],
    [
      'FIXTURES_PROVIDER=docker',
      () => standalone({ FIXTURES_PROVIDER: 'docker' }),
      /^OptionError: FIXTURES_PROVIDER is "docker": use 'external', 'testcontainers', 'embedded' or 'system', or unset it to choose automatically\.$/,
    ],
    [
      'FIXTURES_KEEP_FAILED=true',
      () => script('await fixtures.withDatabase(async () => 1);', { env: { FIXTURES_KEEP_FAILED: 'true' } }),
      /^OptionError: FIXTURES_KEEP_FAILED is "true": set it to 1 to turn it on, or to 0 \(or unset it\) to leave it off\.$/,
    ],
    [
      'FIXTURES_PROFILE=yes',
      () => script('await fixtures.withDatabase(async () => 1);', { env: { FIXTURES_PROFILE: 'yes' } }),
      /^OptionError: FIXTURES_PROFILE is "yes": set it to 1 to turn it on/,
    ],
    [
      'FIXTURES_CONNECT_TIMEOUT_MS=soon',
      (pw) => standalone({ TEST_DATABASE_URL: onServer(pw), FIXTURES_CONNECT_TIMEOUT_MS: 'soon' }),
      /^OptionError: FIXTURES_CONNECT_TIMEOUT_MS is "soon": give a whole number of milliseconds above 0, e\.g\. FIXTURES_CONNECT_TIMEOUT_MS=10000, or unset it for 10000\.$/,
    ],
    [
      'FIXTURES_SCHEMA_ENGINE=offline, for prisma migrate status',
      (pw) =>
        runPrisma(['migrate', 'status'], {
          env: { FIXTURES_SCHEMA_ENGINE: 'offline', DATABASE_URL: onServer(pw, victim.name) },
        }),
      /^Error: FIXTURES_SCHEMA_ENGINE is "offline": use 'auto', 'native' or 'wasm', or unset it for auto\.$/,
    ],
    // ─── Options ─────────────────────────────────────────────────────────
    [
      "withDatabase(fn, { isolation: 'bogus' })",
      () => script("await fixtures.withDatabase(async () => 1, { isolation: 'bogus' });", {}),
      /^OptionError: The isolation option is "bogus": use 'database' or 'schema', e\.g\. withDatabase\(fn, \{ isolation: 'schema' \}\)\.$/,
    ],
    [
      "withDatabase(fn, { isolaton: 'schema' }), a misspelt option",
      () => script("await fixtures.withDatabase(async () => 1, { isolaton: 'schema' });", {}),
      /^OptionError: withDatabase has no option "isolaton": its options are isolation\.$/,
    ],
    [
      'withDatabase(fn, null)',
      () => script('await fixtures.withDatabase(async () => 1, null);', {}),
      /^OptionError: withDatabase's options are null: pass an object \(its options are isolation\), or nothing\.$/,
    ],
    [
      'withDatabase without a function',
      () => script("await fixtures.withDatabase('SELECT 1');", {}),
      /^OptionError: withDatabase\(fn\) needs a function as fn, got "SELECT 1": withDatabase\(async \(\{ prisma \}\) => …\)\.$/,
    ],
    [
      "test.override({ dbReset: 'bogus' })",
      () => runFixtureFiles('bad-option', { BAD_OPTION: 'dbReset', BAD_VALUE: 'bogus' }),
      /^OptionError: The dbReset option is "bogus": use 'transaction', 'truncate' or 'none', e\.g\. test\.override\(\{ dbReset: 'truncate' \}\)\.$/,
    ],
    [
      "test.override({ dbIsolation: 'file' })",
      () => runFixtureFiles('bad-option', { BAD_OPTION: 'dbIsolation', BAD_VALUE: 'file' }),
      /^OptionError: The dbIsolation option is "file": use 'database' or 'schema', e\.g\. test\.override\(\{ dbIsolation: 'schema' \}\)\.$/,
    ],
    // ─── Factories, on the victim database itself ─────────────────────────
    [
      'createList(-1)',
      () => onVictim('await factories.learner.createList(-1);'),
      /^FactoryError: learner factory: createList\(count\) needs a whole number of rows, 0 or more, as count; got -1\. Nothing was written\.$/,
    ],
    [
      'rating: "5" for an Int column',
      () => onVictim("await factories.userFeedback.create({ rating: '5' });"),
      /^FactoryError: userFeedback factory: rating "5" is a string, but the rating column of user_feedback takes a whole number .*: pass one, or leave rating out to get a generated value\. Nothing was written\.$/,
    ],
    [
      'email: 42',
      () => onVictim('await factories.learner.create({ email: 42 });'),
      /^FactoryError: learner factory: email 42 is a whole number, but the email column of users takes a string: pass one, or leave email out/,
    ],
    [
      'rating: 9, against the CHECK constraint',
      () => onVictim('await factories.userFeedback.create({ rating: 9 });'),
      /^FactoryError: userFeedback factory: rating 9 breaks CHECK constraint user_feedback_rating_check of user_feedback \(see docs\/database\/schema\.md\): pass a rating the constraint allows, or leave rating out\. Nothing was written\.$/,
    ],
    [
      'displayName: null, against NOT NULL',
      () => onVictim('await factories.learner.create({ displayName: null });'),
      /^FactoryError: learner factory: displayName is null, but users\.display_name may not be null: pass a value, or leave displayName out to get a generated one\. Nothing was written\.$/,
    ],
  ];

  it.each(CASES)(
    '%s: fails by itself, says what and what next, prints no password, changes nothing',
    async (_case, run, first) => {
      const password = newPassword();

      const result = await run(password);

      expect(result.code, `killed by the hang detector, or no exit code:\n${result.output}`).toEqual(
        expect.any(Number),
      );
      expect(result.code, result.output).not.toBe(0);
      expect(firstErrorLine(result), result.output).toMatch(first);
      const server = new URL(inject('serverUrl'));
      expect(passwordShown(result.output, password, server.username), result.output).toBe(false);
      expect(passwordShown(result.output, server.password, server.username), result.output).toBe(false);
      expect(await contents()).toBe(fingerprint);
    },
  );
});
