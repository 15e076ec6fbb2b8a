/**
 * On a shared server the harness touches only what is its own beyond doubt.
 * A database or schema named like its template, without its marker, is
 * refused with an error naming it and saying what to do, and left as it was.
 * The reaper drops what carries the tag of an owner that is provably gone,
 * marked or not, and leaves every look-alike alone.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reapAbandonedDatabases } from '../../src/harness/run/reaper.ts';
import { startLocalPostgres } from '../../src/harness/run/servers/local-postgres.ts';
import { DATA_MODEL, startRun } from '../../src/harness/run/start-run.ts';
import { ensureTemplate } from '../../src/harness/run/template.ts';
import { writeDatabaseMarker, writeSchemaMarker } from '../../src/harness/shared/database-marker.ts';
import { currentOwnerTag, formatOwnerTag, thisMachine } from '../../src/harness/shared/owner-tag.ts';
import { TemplateBuildError, templateName } from '../../src/harness/shared/template-identity.ts';
import { SchemaPool } from '../../src/harness/worker/schema-pool.ts';
import { quoteIdentifier } from '../../src/sql/quote-identifier.ts';
import { withClient } from '../../src/sql/with-client.ts';
import { query, serverUrlFor } from '../support/databases.ts';
import { deadPid } from '../support/dead-pid.ts';
import { runVitest } from '../support/nested-vitest.ts';
import { type OwnDataModel, ownDataModel } from '../support/own-data-model.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const admin = <T>(work: Parameters<typeof withClient<T>>[1]) => withClient(inject('serverUrl'), work);

const databasesLike = async (prefix: string) =>
  (
    await query<{ datname: string }>(
      inject('serverUrl'),
      `SELECT datname FROM pg_database WHERE starts_with(datname, '${prefix}') ORDER BY 1`,
    )
  ).map(({ datname }) => datname);
const schemasLike = async (prefix: string) =>
  (
    await query<{ nspname: string }>(
      inject('serverUrl'),
      `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, '${prefix}') ORDER BY 1`,
    )
  ).map(({ nspname }) => nspname);

/** A database of someone else's, with a table of 100 rows. */
async function plantDatabase(name: string, comment?: string): Promise<void> {
  await admin(async (client) => {
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    if (comment) await client.query(`COMMENT ON DATABASE ${quoteIdentifier(name)} IS '${comment}'`);
  });
  await query(serverUrlFor(name), 'CREATE TABLE learners AS SELECT generate_series(1, 100) AS id');
}

/** A schema of someone else's in the admin database, with a table of 100 rows. */
async function plantSchema(name: string): Promise<void> {
  await admin(async (client) => {
    await client.query(`CREATE SCHEMA ${quoteIdentifier(name)}`);
    await client.query(`CREATE TABLE ${quoteIdentifier(name)}.learners AS SELECT generate_series(1, 100) AS id`);
  });
}

const rowsIn = async (url: string, table: string) =>
  (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`))[0]?.n;

describe("a database or schema named like the run's template, without the harness's marker", () => {
  let model: OwnDataModel;
  let name: string;

  beforeAll(async () => {
    model = await ownDataModel();
    name = await admin((client) => templateName(client, model.source));
  });

  afterAll(async () => {
    await admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(name)} CASCADE`);
    });
    await model.remove();
  });

  it('is refused as the template database, named in the error with what to do, and keeps its 100 rows', async () => {
    await plantDatabase(name);

    const run = startRun(
      { ...process.env, FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: inject('serverUrl') },
      model.source,
    );

    await expect(run).rejects.toThrow(
      new RegExp(
        `^The database ${name} on .+ is named like the harness's template, but does not carry the harness's marker, ` +
          "so it is not the harness's: the harness will neither use nor drop it\\. " +
          `Rename it \\(ALTER DATABASE "${name}" RENAME TO "${name}_saved"\\) or, if you are sure nothing in it is needed, ` +
          `drop it yourself \\(DROP DATABASE "${name}"\\); then run again\\.$`,
      ),
    );
    expect(await rowsIn(serverUrlFor(name), 'learners')).toBe(100);
  });

  it('is refused when it carries a comment of someone else’s, too', async () => {
    await admin((client) => client.query(`COMMENT ON DATABASE ${quoteIdentifier(name)} IS 'a copy of production'`));

    await expect(ensureTemplate(new URL(inject('serverUrl')), model.source)).rejects.toThrow(
      /is named like the harness's template, but does not carry the harness's marker/,
    );
    expect(await rowsIn(serverUrlFor(name), 'learners')).toBe(100);
  });

  it('is refused as the template schema of `schema` isolation, and keeps its 100 rows', async () => {
    await plantSchema(name);
    const opening = SchemaPool.open({ adminUrl: new URL(inject('serverUrl')), source: model.source, size: 0 });

    await expect(opening).rejects.toThrow(
      new RegExp(
        `^The schema ${name} on .+, database \\w+ is named like the harness's template, but does not carry the harness's marker.*` +
          `Rename it \\(ALTER SCHEMA "${name}" RENAME TO "${name}_saved"\\).*\\(DROP SCHEMA "${name}" CASCADE\\); then run again\\.$`,
      ),
    );
    expect(await rowsIn(inject('serverUrl'), `${quoteIdentifier(name)}.learners`)).toBe(100);
  });
});

describe('a template whose migration fails', () => {
  it('is dropped by the failing run itself, as a database and as a schema', async () => {
    const model = await ownDataModel('CREATE TABLE broken (id int REFERENCES nowhere (id));');
    try {
      const name = await admin((client) => templateName(client, model.source));

      await expect(ensureTemplate(new URL(inject('serverUrl')), model.source)).rejects.toThrow(TemplateBuildError);
      expect(await databasesLike(name)).toEqual([]);

      const opening = SchemaPool.open({ adminUrl: new URL(inject('serverUrl')), source: model.source, size: 0 });
      await expect(opening).rejects.toThrow(/the half-built template schema was dropped/);
      expect(await schemasLike(name)).toEqual([]);
    } finally {
      await model.remove();
    }
  });
});

describe('a template an older version left marked incomplete', () => {
  it('is dropped and rebuilt when its data model is used, and reaped otherwise, unless it is being built', async () => {
    const model = await ownDataModel();
    const name = await admin((client) => templateName(client, model.source));
    const other = `fixtures_tpl_${hex(8)}`;
    const building = `fixtures_tpl_${hex(8)}`;
    const incomplete = { kind: 'template', complete: false } as const;
    try {
      // Another file's run may reap this server at any moment (files run in parallel on one server), so the
      // lock an older version holds while it builds is taken before its database exists, as that version does,
      // and what must be gone is checked on the server, whichever reaper dropped it.
      await admin(async (builder) => {
        await builder.query('SELECT pg_advisory_lock(hashtext($1))', [`fixtures:template:${building}`]);
        await admin(async (client) => {
          for (const database of [name, other, building]) {
            await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
            await writeDatabaseMarker(client, database, incomplete);
          }
        });

        const template = await ensureTemplate(new URL(inject('serverUrl')), model.source);
        const reaped = await reapAbandonedDatabases(new URL(inject('serverUrl')));

        expect(template).toEqual({ name, built: true });
        expect(await rowsIn(serverUrlFor(name), '_prisma_migrations')).toBe(1);
        expect(await databasesLike(other)).toEqual([]);
        expect(reaped).not.toContain(building);
        expect(await databasesLike(building)).toEqual([building]);
      });
    } finally {
      await admin(async (client) => {
        for (const database of [name, other, building])
          await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
      });
      await model.remove();
    }
  });
});

describe('the reaper on a shared server', () => {
  it('drops what carries the tag of an owner that is gone, marked or not, and leaves every look-alike alone', async () => {
    const dead = formatOwnerTag({ machine: thisMachine(), pid: deadPid(), start: '1' });
    // This very pid, started at another time: the owner is gone and its pid went to another process.
    const reused = formatOwnerTag({ machine: thisMachine(), pid: process.pid, start: 'zzzz' });
    const elsewhere = formatOwnerTag({
      machine: thisMachine() === 'ffffffff' ? '00000000' : 'ffffffff',
      pid: 1,
      start: '1',
    });
    const debris = {
      // A CREATE DATABASE that finished after its client was killed: never marked.
      unmarked: `fixtures_db_${dead}_${hex(5)}`,
      reusedPid: `fixtures_db_${reused}_${hex(5)}`,
      marked: `fixtures_db_${dead}_${hex(5)}`,
      templateBuild: `fixtures_tpl_${hex(8)}_${dead}`,
    };
    const survivors = {
      beingMade: `fixtures_db_${currentOwnerTag()}_${hex(5)}`,
      otherMachine: `fixtures_db_${elsewhere}_${hex(5)}`,
      someoneElsesComment: `fixtures_db_${dead}_${hex(5)}`,
      kept: `fixtures_db_${dead}_${hex(5)}`,
      oldNameUnmarked: `fixtures_db_${deadPid()}_${hex(5)}`,
      lookalike: `fixtures_db_lookalike_${hex(4)}`,
    };
    const schemaDebris = `fixtures_schema_${dead}_${hex(5)}`;
    const schemaSurvivors = [`fixtures_schema_${deadPid()}_${hex(5)}`, `fixtures_schema_lookalike_${hex(4)}`];
    const clone = { kind: 'clone', template: 'fixtures_tpl_0', host: 'elsewhere', pid: 1 } as const;
    try {
      await admin(async (client) => {
        for (const name of [...Object.values(debris), survivors.beingMade, survivors.otherMachine, survivors.kept])
          await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
        await writeDatabaseMarker(client, debris.marked, clone);
        await writeDatabaseMarker(client, debris.templateBuild, { kind: 'template', complete: false });
        await writeDatabaseMarker(client, survivors.kept, { ...clone, kept: true });
        await client.query(`CREATE SCHEMA ${quoteIdentifier(schemaDebris)}`);
        await writeSchemaMarker(client, schemaDebris, { kind: 'schema', host: 'elsewhere', pid: 1 });
      });
      await plantDatabase(survivors.someoneElsesComment, 'ours, not the harness’s');
      await plantDatabase(survivors.oldNameUnmarked);
      await plantDatabase(survivors.lookalike);
      for (const schema of schemaSurvivors) await plantSchema(schema);

      const reaped = await reapAbandonedDatabases(new URL(inject('serverUrl')));

      // Checked on the server rather than in `reaped`: another file's run may have reaped the debris first.
      for (const name of Object.values(debris)) expect(await databasesLike(name)).toEqual([]);
      expect(await schemasLike(schemaDebris)).toEqual([]);
      for (const name of [...Object.values(survivors), ...schemaSurvivors]) expect(reaped).not.toContain(name);
      expect(await databasesLike('fixtures_db_')).toEqual(expect.arrayContaining(Object.values(survivors)));
      for (const name of [survivors.someoneElsesComment, survivors.oldNameUnmarked, survivors.lookalike])
        expect(await rowsIn(serverUrlFor(name), 'learners')).toBe(100);
      for (const schema of schemaSurvivors)
        expect(await rowsIn(inject('serverUrl'), `${quoteIdentifier(schema)}.learners`)).toBe(100);
    } finally {
      await admin(async (client) => {
        for (const name of [...Object.values(debris), ...Object.values(survivors)])
          await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
        for (const schema of [schemaDebris, ...schemaSurvivors])
          await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      });
    }
  });
});

describe('a full run on a server holding look-alikes', () => {
  it("refuses an unmarked database with the real template's name, then, once it is renamed, runs and leaves every look-alike as it was", async () => {
    await using server = await startLocalPostgres({ binaries: 'system' });
    const url = (database: string) => Object.assign(new URL(server.url), { pathname: `/${database}` }).toString();
    const template = await withClient(server.url.toString(), (client) => templateName(client, DATA_MODEL));
    const lookalikes = [`fixtures_db_${deadPid()}_${hex(5)}`, 'fixtures_db_lookalike'];
    await withClient(server.url.toString(), async (client) => {
      for (const name of [template, ...lookalikes]) await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      await client.query('CREATE SCHEMA fixtures_schema_lookalike');
      await client.query('CREATE TABLE fixtures_schema_lookalike.learners AS SELECT generate_series(1, 100) AS id');
    });
    for (const name of [template, ...lookalikes])
      await query(url(name), 'CREATE TABLE learners AS SELECT generate_series(1, 100) AS id');
    const config = fileURLToPath(new URL('fixtures/exit/vitest.config.ts', import.meta.url));
    const options = {
      env: { FIXTURES_PROVIDER: 'external', TEST_DATABASE_URL: server.url.toString(), FIXTURES_HARNESS: undefined },
      timeoutMs: 60_000,
    };

    const refused = await runVitest(config, [], options);
    await query(server.url.toString(), `ALTER DATABASE "${template}" RENAME TO "${template}_saved"`);
    const after = await runVitest(config, [], options);

    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      `UnmarkedLookalikeError: The database ${template} on 127.0.0.1:${server.url.port} is named like the harness's template`,
    );
    expect(after.code, after.output).toBe(0);
    expect(after.output).toMatch(/Tests\s+1 passed/);
    for (const name of [`${template}_saved`, ...lookalikes]) expect(await rowsIn(url(name), 'learners')).toBe(100);
    expect(await rowsIn(server.url.toString(), 'fixtures_schema_lookalike.learners')).toBe(100);
    const left = await query<{ datname: string }>(
      server.url.toString(),
      "SELECT datname FROM pg_database WHERE datname LIKE 'fixtures\\_%' ORDER BY 1",
    );
    expect(left.map(({ datname }) => datname).sort()).toEqual([template, `${template}_saved`, ...lookalikes].sort());
  });
});
