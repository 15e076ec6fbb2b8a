/**
 * The npm script names of the old data layer's command table are a contract:
 * each one runs, through npm, as the README shows it.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { type CliResult, PROJECT_ROOT } from '../support/run-cli.ts';

function npmRun(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, FIXTURES_ENV_FILE: 'none', NO_COLOR: '1', CI: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

describe("the README's command table, through npm", () => {
  let database: TestDatabase;
  const env = () => ({ DATABASE_URL: database.url, DIRECT_DATABASE_URL: database.url });

  beforeAll(async () => {
    database = await emptyDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('names every script of the old table', async () => {
    const { scripts } = JSON.parse(await readFile(`${PROJECT_ROOT}package.json`, 'utf8')) as {
      scripts: Record<string, string>;
    };

    expect(Object.keys(scripts)).toEqual(
      expect.arrayContaining([
        'prisma:format',
        'prisma:generate',
        'prisma:studio',
        'prisma:migrate',
        'prisma:migrate:deploy',
        'db:reset',
        'db:seed',
      ]),
    );
  });

  it.each([
    [['prisma:format', '--', '--check'], 'formatted'],
    [['prisma:migrate:deploy'], 'All migrations have been successfully applied.'],
    [['prisma:migrate', 'status'], 'Database schema is up to date!'],
    [['db:seed'], 'The seed command has been executed.'],
    [['db:reset', '--', '--force'], 'Database reset successful'],
  ])('npm run %s works', async (args, expected) => {
    const result = await npmRun(args, env());

    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(expected);
  });

  it('npm run db:reset without --force refuses to wipe a database from a script, and says how', async () => {
    const result = await npmRun(['db:reset'], env());

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('--force');
  });
});
