/**
 * A test that leaves its own connections open on ctx.url: the harness closes
 * them, drops the database anyway, and names what was left open.
 */
import { randomBytes } from 'node:crypto';
import { createPrismaClient, withDatabase } from '@ctoprojects/fixtures';
import { LeftoverConnectionsError } from '@ctoprojects/fixtures/vitest';
import pg from 'pg';
import { describe, expect, inject, it, vi } from 'vitest';
import { query } from '../support/databases.ts';

const exists = async (name: string) =>
  (
    await query(
      inject('serverUrl'),
      `SELECT 1 FROM pg_database WHERE datname = '${name}' UNION ALL SELECT 1 FROM pg_namespace WHERE nspname = '${name}'`,
    )
  ).length > 0;

/** A pg client on `url` that its test forgets to end; it will be closed under it, which it must not crash on. */
async function forgottenClient(url: string, statement: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'forgetful-test' });
  client.on('error', () => {});
  await client.connect();
  await client.query(statement);
  return client;
}

describe('connections left open on ctx.url', () => {
  it('fail the call with an error naming the database, each connection and what to do, and no password', async () => {
    let name = '';
    let password = '';

    const outcome = withDatabase(async (context) => {
      name = context.name;
      password = new URL(context.url).password;
      await forgottenClient(context.url, "SELECT 42 AS answer, 'left open' AS why");
      return 'done';
    });

    const error = await outcome.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(LeftoverConnectionsError);
    expect((error as Error).message).toBe(
      `1 connection was still open on ${name} when the test released it; the harness closed it and dropped ${name}:\n` +
        `  - pid ${(error as LeftoverConnectionsError).connections[0]?.pid}, application_name "forgetful-test", idle, last query: SELECT 42 AS answer, 'left open' AS why\n` +
        'Disconnect every client you create on ctx.url (await client.end(), await prisma.$disconnect()) before the test ends.',
    );
    expect(error).toMatchObject({ isolation: 'database', database: name, schema: undefined });
    expect((error as Error).message).not.toContain(password);
    expect(await exists(name)).toBe(false);
  });

  it('show no password held in a last query, whichever way it is spelled or cut', async () => {
    const secret = `S3cr3t-${randomBytes(9).toString('base64url')}`;
    const statements = [
      // A conninfo in a literal, its password quoted with a doubled quote.
      `SELECT $$host=db password='it''s ${secret}'$$ AS conninfo`,
      // ALTER ROLE's password literal, never run.
      `DO $$ BEGIN IF false THEN ALTER ROLE nobody PASSWORD 'it''s ${secret}'; END IF; END $$`,
      // A URL in a statement long enough for the list to cut it in the middle of the password.
      `SELECT '${'x'.repeat(110)}' AS pad, 'postgresql://app:${secret}@db/x' AS url`,
    ];

    const outcome = withDatabase(async (context) => {
      for (const statement of statements) await forgottenClient(context.url, statement);
    });

    const error = (await outcome.then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as LeftoverConnectionsError;
    expect(error).toBeInstanceOf(LeftoverConnectionsError);
    expect(error.connections.map((c) => c.lastQuery)).toEqual([
      'SELECT $$host=db password=***$$ AS conninfo',
      "DO $$ BEGIN IF false THEN ALTER ROLE nobody PASSWORD '***'; END IF; END $$",
      `SELECT '${'x'.repeat(110)}' AS pad, 'postgresql://app:***@db/x' AS u…`, // cut at 160 characters
    ]);
    expect(error.message).not.toContain('S3cr3t');
  });

  it('count a second PrismaClient left connected, and end without hanging', async () => {
    let name = '';

    const outcome = withDatabase(async (context) => {
      name = context.name;
      const second = createPrismaClient({ url: context.url });
      await second.user.count();
    });

    await expect(outcome).rejects.toThrow(
      /^1 connection was still open on fixtures_db_[0-9a-f]{8}_\d+_[0-9a-z]+_[0-9a-f]{10} when/,
    );
    expect(await exists(name)).toBe(false);
  });

  it('are closed in schema isolation too, where they could hold locks DROP SCHEMA waits for', async () => {
    let name = '';

    const outcome = withDatabase(
      async (context) => {
        name = context.name;
        const client = await forgottenClient(context.url, 'BEGIN');
        await client.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      },
      { isolation: 'schema' },
    );

    const error = (await outcome.then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as LeftoverConnectionsError;
    // The fields say where, each a real name: the schema, and the database it is in.
    expect(error).toMatchObject({
      isolation: 'schema',
      schema: name,
      database: new URL(inject('serverUrl')).pathname.slice(1),
    });
    const message = error.message;
    expect(message).toContain(`1 connection was still open on the schema ${name} when the test released it`);
    expect(message).toContain('idle in transaction, last query: LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    expect(await exists(name)).toBe(false);
  });

  it('only warn when fn threw: its own error is the one rethrown', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const failure = new Error('the test failed');
    let name = '';
    try {
      const outcome = withDatabase(async (context) => {
        name = context.name;
        await forgottenClient(context.url, 'SELECT 1');
        throw failure;
      });

      await expect(outcome).rejects.toBe(failure);
      expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/^1 connection was still open on fixtures_db_/), {
        code: 'FIXTURES_RELEASE',
      });
      expect(await exists(name)).toBe(false);
    } finally {
      warnings.mockRestore();
    }
  });
});
