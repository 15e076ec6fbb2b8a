/**
 * `schema` isolation: a fresh, migrated schema per call, for servers that do
 * not let the harness create databases. Against a real PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionError, withDatabase } from '@ctoprojects/fixtures';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reapAbandonedDatabases } from '../../src/harness/run/reaper.ts';
import { startRun } from '../../src/harness/run/start-run.ts';
import { writeSchemaMarker } from '../../src/harness/shared/database-marker.ts';
import { openPool } from '../../src/harness/worker/pools.ts';
import { SchemaPool } from '../../src/harness/worker/schema-pool.ts';
import { withClient } from '../../src/sql/with-client.ts';
import { query } from '../support/databases.ts';

const schemaExists = async (name: string) =>
  (await query(inject('serverUrl'), `SELECT 1 FROM pg_namespace WHERE nspname = '${name}'`)).length === 1;

describe("withDatabase(fn, { isolation: 'schema' })", () => {
  it('hands fn a migrated schema of its own, named in the URL, with the history migrate deploy writes', async () => {
    const seen = await withDatabase(
      async ({ prisma, url, name }) => {
        await prisma.user.create({ data: { email: 'ada@ctoprojects.dev', displayName: 'Ada' } });
        const inSchema = await query<{ n: number }>(
          inject('serverUrl'),
          `SELECT count(*)::int AS n FROM "${name}".users`,
        );
        const history = await query<{ migration_name: string; finished: boolean }>(
          inject('serverUrl'),
          `SELECT migration_name, finished_at IS NOT NULL AS finished FROM "${name}"._prisma_migrations`,
        );
        return { url, name, users: inSchema[0]?.n, history };
      },
      { isolation: 'schema' },
    );

    expect(seen.name).toMatch(/^fixtures_schema_[0-9a-f]{8}_\d+_[0-9a-z]+_[0-9a-f]{10}$/);
    expect(new URL(seen.url).searchParams.get('schema')).toBe(seen.name);
    expect(seen.users).toBe(1);
    expect(seen.history).toEqual([{ migration_name: expect.stringMatching(/^\d+_/), finished: true }]);
  });

  it('points raw SQL and plain pg clients on ctx.url at the schema too (search_path)', async () => {
    const [current, fromPg] = await withDatabase(
      async ({ prisma, url, name }) => {
        await prisma.user.create({ data: { email: 'raw@ctoprojects.dev', displayName: 'Raw' } });
        const raw = await prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema() AS schema`;
        const viaPg = await withClient(url, async (client) => (await client.query('SELECT email FROM users')).rows);
        return [raw[0]?.schema === name, viaPg];
      },
      { isolation: 'schema' },
    );

    expect(current).toBe(true);
    expect(fromPg).toEqual([{ email: 'raw@ctoprojects.dev' }]);
  });

  it('isolates calls running at the same time', async () => {
    const seen = await Promise.all(
      ['a', 'b'].map((who) =>
        withDatabase(
          async ({ prisma }) => {
            await prisma.user.create({ data: { email: `${who}@ctoprojects.dev`, displayName: who } });
            return prisma.user.findMany({ select: { email: true } });
          },
          { isolation: 'schema' },
        ),
      ),
    );

    expect(seen).toEqual([[{ email: 'a@ctoprojects.dev' }], [{ email: 'b@ctoprojects.dev' }]]);
  });

  it('marks the schema while it is used, and drops it afterwards, even when fn throws', async () => {
    let name = '';
    let comment: string | undefined;
    const failure = new Error('the test failed');

    const outcome = withDatabase(
      async (context) => {
        name = context.name;
        const rows = await query<{ c: string }>(
          inject('serverUrl'),
          `SELECT obj_description(oid, 'pg_namespace') AS c FROM pg_namespace WHERE nspname = '${name}'`,
        );
        comment = rows[0]?.c;
        throw failure;
      },
      { isolation: 'schema' },
    );

    await expect(outcome).rejects.toBe(failure);
    expect(JSON.parse(comment?.replace(/^ctoprojects-fixtures:/, '') ?? '{}')).toEqual({
      kind: 'schema',
      host: hostname(),
      pid: process.pid,
    });
    expect(await schemaExists(name)).toBe(false);
  });
});

describe('reaping schemas', () => {
  it("drops the schemas of a dead process, and leaves a live process's and kept ones alone", async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number;
    const suffix = randomBytes(4).toString('hex');
    const names = {
      dead: `fixtures_schema_${deadPid}_${suffix}a`,
      kept: `fixtures_schema_${deadPid}_${suffix}b`,
      live: `fixtures_schema_${process.pid}_${suffix}c`,
    };
    await withClient(inject('serverUrl'), async (client) => {
      for (const name of Object.values(names)) await client.query(`CREATE SCHEMA "${name}"`);
      await writeSchemaMarker(client, names.dead, { kind: 'schema', host: hostname(), pid: deadPid });
      await writeSchemaMarker(client, names.kept, { kind: 'schema', host: hostname(), pid: deadPid, kept: true });
      await writeSchemaMarker(client, names.live, { kind: 'schema', host: hostname(), pid: process.pid });
    });
    try {
      const reaped = await reapAbandonedDatabases(new URL(inject('serverUrl')));

      expect(reaped).not.toContain(names.kept);
      expect(reaped).not.toContain(names.live);
      // Checked on the server, not in `reaped`: another file's run on this server may reap it first.
      expect(await schemaExists(names.dead)).toBe(false);
      expect(await schemaExists(names.kept)).toBe(true);
    } finally {
      await query(inject('serverUrl'), `DROP SCHEMA IF EXISTS "${names.kept}", "${names.live}" CASCADE`);
    }
  });
});

describe('a role that may create schemas but not databases', () => {
  const role = `fixtures_test_role_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(8).toString('hex');
  let roleUrl: URL;
  let source: { migrationsDir: string; schemaPath: string };
  let sourceDir: string;

  beforeAll(async () => {
    await withClient(inject('serverUrl'), async (client) => {
      await client.query(`CREATE ROLE "${role}" LOGIN NOCREATEDB PASSWORD '${password}'`);
      await client.query(`GRANT CREATE ON DATABASE postgres TO "${role}"`);
    });
    roleUrl = new URL(inject('serverUrl'));
    roleUrl.username = role;
    roleUrl.password = password;
    // A data model of its own, so that no template the superuser built already matches it.
    sourceDir = await mkdtemp(join(tmpdir(), 'fixtures-schema-role-'));
    await cp('prisma', sourceDir, { recursive: true });
    await writeFile(join(sourceDir, 'schema.prisma'), `// ${role}\n`, { flag: 'a' });
    source = { migrationsDir: join(sourceDir, 'migrations'), schemaPath: join(sourceDir, 'schema.prisma') };
  });

  afterAll(async () => {
    await withClient(inject('serverUrl'), async (client) => {
      await client.query(`DROP OWNED BY "${role}" CASCADE`);
      await client.query(`DROP ROLE IF EXISTS "${role}"`);
    });
    await rm(sourceDir, { recursive: true, force: true });
  });

  it('gets no template, says why, and still gets migrated schemas', async () => {
    const run = await startRun(
      { ...process.env, FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: roleUrl.toString() },
      source,
    );
    expect(run.setup.templateRefused).toMatch(/permission denied to create database/);

    const pool = await SchemaPool.open({ adminUrl: roleUrl, source, size: 0 });
    const schema = await pool.acquire();
    const tables = await query<{ n: number }>(
      schema.url.replace(/\?.*$/, ''),
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = '${schema.name}'`,
    );
    await pool.release(schema.name);
    await pool.close();
    await run.stop();

    expect(tables[0]?.n).toBe(10);
    expect(await schemaExists(schema.name)).toBe(false);
  });

  it('refuses `database` isolation there, saying what to use instead', async () => {
    const run = await startRun(
      { ...process.env, FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: roleUrl.toString() },
      source,
    );

    await run.stop();

    const refusal = openPool(run.setup, 'database');
    await expect(refusal).rejects.toBeInstanceOf(OptionError);
    await expect(refusal).rejects.toMatchObject({ option: 'isolation', allowed: ['schema'] });
    await expect(refusal).rejects.toThrow(
      new RegExp(
        `^The server at postgresql://${role}:\\*\\*\\*@.* does not let the harness create databases \\(permission denied to create database\\), ` +
          "so `database` isolation cannot clone one: use withDatabase\\(fn, \\{ isolation: 'schema' \\}\\)",
      ),
    );
  });
});

describe('pg.Client on a schema URL', () => {
  it('connects as the schema URL says, with application_name set to the schema', async () => {
    const names = await withDatabase(
      async ({ url, name }) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return [(await client.query('SHOW application_name')).rows[0].application_name, name];
        } finally {
          await client.end();
        }
      },
      { isolation: 'schema' },
    );

    expect(names[0]).toBe(names[1]);
  });
});
