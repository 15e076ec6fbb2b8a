/**
 * Bad connection strings stop a command with one line that names the
 * variable, says what to do, and never shows the password.
 */

import {
  createPrismaClient,
  DatabaseUrlError,
  OptionError,
  poolSettings,
  redactPasswords,
} from '@ctoprojects/fixtures';
import { describe, expect, inject, it } from 'vitest';
import { runPrisma } from '../support/run-cli.ts';
import { scratchProject } from '../support/scratch-project.ts';

const SECRET = 's3cr3t-Pa55';

describe('a command that needs a database', () => {
  it('without DATABASE_URL or DIRECT_DATABASE_URL says which to set, in one line', async () => {
    const result = await runPrisma(['migrate', 'deploy']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'Error: prisma migrate deploy needs a database, but neither DIRECT_DATABASE_URL nor DATABASE_URL is set: ' +
        'export one or add it to .env (cp .env.example .env).',
    ]);
  });

  it.each([
    [
      'DATABASE_URL',
      `postgres//postgres:${SECRET}@localhost/db`,
      'DATABASE_URL is not a valid URL ("postgres//postgres:***@localhost/db")',
    ],
    ['DIRECT_DATABASE_URL', `mysql://root:${SECRET}@localhost/db`, 'DIRECT_DATABASE_URL must start with postgresql://'],
    [
      'SHADOW_DATABASE_URL',
      `postgresql://postgres:${SECRET}@localhost`,
      'SHADOW_DATABASE_URL names no database ("postgresql://postgres:***@localhost")',
    ],
    [
      'DATABASE_URL',
      `postgresql://postgres:${SECRET}@localhost/db?connection_limit=lots`,
      'DATABASE_URL has connection_limit=lots',
    ],
  ])('with a malformed %s stops before Prisma starts, naming it', async (variable, value, expected) => {
    const result = await runPrisma(['migrate', 'status'], {
      env: { DATABASE_URL: 'postgresql://postgres:x@localhost/ok', [variable]: value },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.output).not.toContain(SECRET);
  });

  it('at a server that is not there says which server, with no password', async () => {
    const result = await runPrisma(['migrate', 'deploy'], {
      env: { DATABASE_URL: `postgresql://postgres:${SECRET}@127.0.0.1:1/ctoprojects` },
    });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain("P1001: Can't reach database server at `127.0.0.1:1`");
    expect(result.output).not.toContain(SECRET);
  });

  it('with a wrong password says authentication failed, and does not repeat the password', async () => {
    const result = await runPrisma(['migrate', 'status'], {
      env: { DATABASE_URL: `postgresql://postgres:${SECRET}@${new URL(inject('serverUrl')).host}/postgres` },
    });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('P1000: Authentication failed');
    expect(result.output).not.toContain(SECRET);
  });
});

describe('commands that need no database', () => {
  it.each([['format', '--check'], ['validate'], ['generate', '--no-hints']])(
    'prisma %s runs with no URL set',
    async (...args) => {
      const project = await scratchProject(); // generate writes: never into the checkout other tests import from
      const result = await runPrisma(args, { cwd: project.dir }).finally(() => project.remove());

      expect(result.code, result.output).toBe(0);
    },
  );
});

describe('the runtime client', () => {
  it('without DATABASE_URL throws a DatabaseUrlError naming it', () => {
    expect(() => createPrismaClient({ url: '' })).toThrow(DatabaseUrlError);
    expect(() => createPrismaClient({ url: '' })).toThrow('DATABASE_URL is not set: export it or add it to .env');
  });

  it('refuses an option it does not have, or a URL that is not a string, naming the option', () => {
    expect(() => createPrismaClient({ uri: 'postgresql://app@localhost/app' } as never)).toThrow(
      new OptionError('uri', 'createPrismaClient has no option "uri": its options are url, variable.', [
        'url',
        'variable',
      ]),
    );
    expect(() => createPrismaClient({ url: new URL('postgresql://app@localhost/app') } as never)).toThrow(
      'The url option of createPrismaClient is an object: give a string.',
    );
  });

  it('reads connection_limit, pool_timeout, schema and pgbouncer from DATABASE_URL and keeps them from pg', () => {
    const settings = poolSettings(
      'DATABASE_URL',
      'postgresql://app:pw@pgbouncer:6432/ctoprojects?pgbouncer=true&connection_limit=5&pool_timeout=3&schema=app&sslmode=disable',
    );

    expect(settings).toEqual({
      pool: {
        connectionString: 'postgresql://app:pw@pgbouncer:6432/ctoprojects?sslmode=disable',
        max: 5,
        connectionTimeoutMillis: 3000,
      },
      schema: 'app',
      pgbouncer: true,
    });
  });

  it("keeps Prisma's defaults when the flags are absent: pg's pool size, a 10 s wait, schema public", () => {
    expect(poolSettings('DATABASE_URL', 'postgresql://app:pw@db/ctoprojects')).toEqual({
      pool: { connectionString: 'postgresql://app:pw@db/ctoprojects', connectionTimeoutMillis: 10_000 },
      schema: 'public',
      pgbouncer: false,
    });
  });
});

describe('redactPasswords', () => {
  it.each([
    ['postgresql://app:pw@db:5432/x', 'postgresql://app:***@db:5432/x'],
    ['postgres//app:pw@db/x', 'postgres//app:***@db/x'],
    ['at `postgresql://app:p@ss:w0rd@db/x`.', 'at `postgresql://app:***@db/x`.'],
    [
      'postgresql://db/x?user=app&password=pw&sslmode=require',
      'postgresql://db/x?user=app&password=***&sslmode=require',
    ],
    ['no URL here: 10:30 at the office', 'no URL here: 10:30 at the office'],
  ])('hides the password in %s', (text, expected) => {
    expect(redactPasswords(text)).toBe(expected);
  });
});
