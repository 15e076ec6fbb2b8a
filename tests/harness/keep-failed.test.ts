/**
 * FIXTURES_KEEP_FAILED=1: a failed test's database is kept, with its rows,
 * and one line says how to open it. For the Vitest fixture, a real Vitest
 * runs files that fail on purpose (tests/harness/fixtures/), on this run's server.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { withDatabase } from '@ctoprojects/fixtures';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { isDebris, reapAbandonedDatabases } from '../../src/harness/run/reaper.ts';
import { findServerBinaries } from '../../src/harness/run/servers/local-postgres.ts';
import { startRun } from '../../src/harness/run/start-run.ts';
import { runSetupFromEnv } from '../../src/harness/shared/run-channel.ts';
import { ClonePool } from '../../src/harness/worker/clone-pool.ts';
import { keptNotice } from '../../src/harness/worker/keep-failed.ts';
import { closeRunPools } from '../../src/harness/worker/pools.ts';
import { query, serverUrlFor } from '../support/databases.ts';
import { runFixtureFiles } from '../support/nested-vitest.ts';

const kept: string[] = [];

afterAll(async () => {
  for (const name of kept) {
    await query(
      inject('serverUrl'),
      name.startsWith('fixtures_schema_')
        ? `DROP SCHEMA IF EXISTS "${name}" CASCADE`
        : `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
    );
  }
});

const password = () => new URL(inject('serverUrl')).password;
/**
 * The password as it would appear in a URL. Looked for between ':' and '@': on
 * the external CI server it is `postgres`, the user's name too.
 */
const passwordInUrl = () => `:${password()}@`;

async function markerOf(name: string): Promise<Record<string, unknown>> {
  const [row] = await query<{ c: string | null }>(
    inject('serverUrl'),
    `SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = '${name}'
     UNION ALL SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = '${name}'`,
  );
  return JSON.parse(row?.c?.replace(/^ctoprojects-fixtures:/, '') ?? 'null');
}

/** Runs `fn` with FIXTURES_KEEP_FAILED=1 (and `extra`), returning what the harness wrote to stderr. */
async function withKeepFailed(work: () => Promise<unknown>, extra: Record<string, string> = {}): Promise<string> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  vi.stubEnv('FIXTURES_KEEP_FAILED', '1');
  for (const [key, value] of Object.entries(extra)) vi.stubEnv(key, value);
  try {
    await work();
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
  return lines.join('');
}

describe('withDatabase with FIXTURES_KEEP_FAILED=1', () => {
  it('keeps the database of an fn that threw, with its rows, marks it kept, and prints a psql line without the password', async () => {
    let name = '';
    const failure = new Error('the test failed');

    const stderr = await withKeepFailed(async () => {
      const outcome = withDatabase(async ({ prisma, name: database }) => {
        name = database;
        await prisma.user.create({ data: { email: 'kept@ctoprojects.dev', displayName: 'Kept' } });
        throw failure;
      });
      await expect(outcome).rejects.toBe(failure);
    });
    kept.push(name);

    const url = new URL(serverUrlFor(name));
    expect(stderr).toBe(
      `fixtures: kept the database ${name} of a withDatabase call that threw (FIXTURES_KEEP_FAILED=1): ` +
        `psql 'postgresql://${url.username}:***@${url.host}/${name}' — drop it when done: DROP DATABASE "${name}" WITH (FORCE)\n`,
    );
    expect(stderr).not.toContain(passwordInUrl());
    expect(await query(serverUrlFor(name), 'SELECT email FROM users')).toEqual([{ email: 'kept@ctoprojects.dev' }]);
    expect(await markerOf(name)).toMatchObject({ kind: 'clone', pid: process.pid, kept: true });
  });

  it('is left alone by the reaper, even at the end of the run that made it', async () => {
    const [name] = kept;
    const [row] = await query<{ comment: string | null }>(
      inject('serverUrl'),
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = '${name}'`,
    );

    // The end of the run is judged, not played: reaping with this run's owner as finished would drop the
    // databases the other workers are using right now (it did: another file's connections vanished).
    expect(isDebris(name as string, row?.comment ?? null, { finishedOwner: runSetupFromEnv()?.owner })).toBe(false);
    expect(await reapAbandonedDatabases(new URL(inject('serverUrl')))).not.toContain(name);
    expect(await markerOf(name as string)).toMatchObject({ kept: true });
  });

  it('shows the password only with FIXTURES_SHOW_PASSWORD=1', async () => {
    let name = '';
    const stderr = await withKeepFailed(
      () =>
        withDatabase(
          ({ name: schema }) => {
            name = schema;
            throw new Error('failed');
          },
          { isolation: 'schema' },
        ).catch(() => {}),
      { FIXTURES_SHOW_PASSWORD: '1' },
    );
    kept.push(name);

    expect(stderr).toContain(passwordInUrl());
    expect(stderr).toContain(`kept the schema ${name} of a withDatabase call that threw`);
    expect(stderr).toContain(`DROP SCHEMA "${name}" CASCADE`);
    // psql refuses Prisma's ?schema=; the search_path option opens the schema, and psql really takes the URL.
    const psqlUrl = /psql '([^']+)'/.exec(stderr)?.[1] as string;
    expect(psqlUrl).toMatch(/\?options=-c%20search_path%3Dfixtures_schema_\w+&application_name=fixtures_schema_\w+$/);
    const psql = spawnSync(
      join(findServerBinaries('system').binDir, 'psql'),
      [psqlUrl, '-Atc', 'SELECT current_schema()'],
      {
        encoding: 'utf8',
      },
    );
    expect(psql.stdout.trim()).toBe(name);
  });

  it('drops the database of an fn that succeeded, as always', async () => {
    let name = '';
    const stderr = await withKeepFailed(() =>
      withDatabase(({ name: database }) => {
        name = database;
      }),
    );

    expect(stderr).toBe('');
    await closeRunPools(); // the drop runs in the background; the pools wait for it as they close
    expect(await query(inject('serverUrl'), `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).toEqual([]);
  });
});

describe('the db fixture with FIXTURES_KEEP_FAILED=1 (a real Vitest run)', () => {
  it("keeps a failed test's committed rows, and gives the file's next tests a fresh database", async () => {
    const { code, output } = await runFixtureFiles('keep-failed', { FIXTURES_KEEP_FAILED: '1' });
    const notices = [
      ...output.matchAll(/fixtures: kept the (database|schema) (fixtures_\w+) of the failed test "(.+?)"/g),
    ];
    kept.push(...notices.map((notice) => notice[2] as string));

    expect(code).toBe(1);
    expect(output).toMatch(/Tests {2}3 failed \| 3 passed \(6\)/);
    expect(output).not.toContain(passwordInUrl());
    const byFile = Object.fromEntries(
      notices.map((notice) => [/^keep-failed-(\w+)/.exec(notice[3] as string)?.[1], [notice[1], notice[2] as string]]),
    );
    expect(Object.keys(byFile).sort()).toEqual(['none', 'transaction', 'truncate']);
    const [, database] = byFile.transaction as [string, string];
    const [kind, schema] = byFile.truncate as [string, string];
    const [, shared] = byFile.none as [string, string];
    expect(kind).toBe('schema');
    // The failed test's transaction was committed, not rolled back; the next test wrote elsewhere.
    expect(await query(serverUrlFor(database), 'SELECT email FROM users')).toEqual([{ email: 'kept@ctoprojects.dev' }]);
    expect(await query(inject('serverUrl'), `SELECT email FROM "${schema}".users`)).toEqual([
      { email: 'kept@ctoprojects.dev' },
    ]);
    // With `none`, the file's tests share the database on purpose: it is kept whole, later writes included.
    expect(await query(serverUrlFor(shared), 'SELECT email FROM users ORDER BY email')).toEqual([
      { email: 'kept@ctoprojects.dev' },
      { email: 'later@ctoprojects.dev' },
    ]);
    expect(await markerOf(database)).toMatchObject({ kind: 'clone', kept: true });
    expect(await markerOf(schema)).toMatchObject({ kind: 'schema', kept: true });
    expect(await markerOf(shared)).toMatchObject({ kind: 'clone', kept: true });
  });
});

describe('the db fixture and connections left open (a real Vitest run)', () => {
  it('fails the file, naming the connection', async () => {
    const { code, output } = await runFixtureFiles('leftover-connection');

    expect(code).toBe(1);
    expect(output).toMatch(
      /LeftoverConnectionsError: 1 connection was still open on fixtures_db_\w+ when the test released it/,
    );
    expect(output).toContain('application_name "forgotten-in-a-file", idle, last query: SELECT 1');
  });
});

it('keptNotice names a schema and its DROP', () => {
  const line = keptNotice(
    {
      name: 'fixtures_schema_1_ab',
      url: 'postgresql://u:secret@h:5/db?schema=fixtures_schema_1_ab',
      isolation: 'schema',
    },
    'the failed test "x"',
    {},
  );

  expect(line).toBe(
    `fixtures: kept the schema fixtures_schema_1_ab of the failed test "x" (FIXTURES_KEEP_FAILED=1): psql 'postgresql://u:***@h:5/db' — drop it when done: DROP SCHEMA "fixtures_schema_1_ab" CASCADE`,
  );
});

describe('a throwaway server with kept databases', () => {
  it('stays up at the end of its run, saying so, until nothing kept is left on it', async () => {
    const run = await startRun({ ...process.env, FIXTURES_PROVIDER: 'embedded' });
    const pool = await ClonePool.open({ adminUrl: new URL(run.setup.adminUrl), template: run.setup.template, size: 0 });
    const database = await pool.acquire();
    await pool.keep(database.name);
    await pool.close();

    const stderr = await withKeepFailed(() => run.stop());

    expect(stderr).toMatch(
      /^fixtures: the embedded PostgreSQL server stays up at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres for the databases kept after failed tests \(FIXTURES_KEEP_FAILED=1\); the next run removes it\.\n$/,
    );
    expect(await query(database.url, 'SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);

    await query(run.setup.adminUrl, `DROP DATABASE "${database.name}" WITH (FORCE)`);
    await run.stop();
    await expect(query(run.setup.adminUrl, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
