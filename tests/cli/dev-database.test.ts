/**
 * `db:up` / `db:down` on a port of their own: the `.env` they leave must take
 * every later command to the server they started, and nowhere else. One
 * server serves the whole file; each test runs in a directory of its own, as
 * a project would (this repository with its `.env.example`, or a consumer).
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/harness/run/servers/free-port.ts';
import { PROJECT_ROOT, runNode } from '../support/run-cli.ts';

const MAIN = join(PROJECT_ROOT, 'src', 'cli', 'main.ts');

describe('db:up and db:down on a port of their own', () => {
  let root: string;
  let port: number;
  let dataDir: string;
  /** The variables of a command run from a shell that sets nothing: only the project's env file speaks. */
  const fromEnvFile = { FIXTURES_ENV_FILE: undefined, FIXTURES_DEV_PORT: undefined, FIXTURES_DEV_DATA_DIR: undefined };
  const asked = () => ({ ...fromEnvFile, FIXTURES_DEV_PORT: String(port), FIXTURES_DEV_DATA_DIR: dataDir });
  const project = async (name: string) => {
    const dir = join(root, name);
    await mkdir(dir);
    return dir;
  };
  const fixtures = (args: string[], cwd: string, env: Record<string, string | undefined>) =>
    runNode([MAIN, ...args], { cwd, env });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fixtures-dev-database-'));
    await chmod(root, 0o755); // under root, PostgreSQL runs as postgres, which must reach the data directory
    port = await freePort();
    dataDir = join(root, 'postgres');
  });

  afterAll(async () => {
    await fixtures(['db:down'], root, asked());
    await rm(root, { recursive: true, force: true });
  });

  it('writes .env from .env.example pointing at the server it started, port and data directory included', async () => {
    const cwd = await project('repository');
    await copyFile(join(PROJECT_ROOT, '.env.example'), join(cwd, '.env.example'));

    const result = await fixtures(['db:up'], cwd, asked());

    expect(result.code, result.output).toBe(0);
    const env = parseEnv(await readFile(join(cwd, '.env'), 'utf8'));
    expect(env).toMatchObject({
      DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects`,
      DIRECT_DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects`,
      SHADOW_DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects_shadow`,
      FIXTURES_DEV_PORT: String(port),
      FIXTURES_DEV_DATA_DIR: dataDir,
    });
    expect(result.stdout).toContain(`is running on 127.0.0.1:${port} (data in ${dataDir}).`);
  });

  it('then every later command there reaches that server through .env alone', async () => {
    const cwd = join(root, 'repository');

    const seed = await fixtures(['seed:baseline'], cwd, fromEnvFile);
    const again = await fixtures(['db:up'], cwd, fromEnvFile);

    expect(seed.code, seed.output).toBe(0);
    expect(seed.stdout).toContain(`(postgresql://postgres:***@127.0.0.1:${port}/ctoprojects)`);
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain(`is running on 127.0.0.1:${port} (data in ${dataDir})`);
    expect(again.stdout).not.toContain('.env points elsewhere');
  });

  it('writes a .env with the three URLs and its settings where there is no .env.example (a consumer)', async () => {
    const cwd = await project('consumer');

    const result = await fixtures(['db:up'], cwd, asked());

    expect(result.code, result.output).toBe(0);
    expect(parseEnv(await readFile(join(cwd, '.env'), 'utf8'))).toEqual({
      DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects`,
      DIRECT_DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects`,
      SHADOW_DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects_shadow`,
      FIXTURES_DEV_PORT: String(port),
      FIXTURES_DEV_DATA_DIR: dataDir,
    });
  });

  it('leaves a .env that points elsewhere as it is, and prints every line to set, password in full', async () => {
    const cwd = await project('elsewhere');
    const theirs =
      'DATABASE_URL="postgresql://app:hunter2@127.0.0.1:5432/ctoprojects"\n' +
      'DIRECT_DATABASE_URL="postgresql://app:hunter2@127.0.0.1:5432/ctoprojects"\n';
    await writeFile(join(cwd, '.env'), theirs);

    const result = await fixtures(['db:up'], cwd, asked());

    expect(result.code, result.output).toBe(0);
    expect(await readFile(join(cwd, '.env'), 'utf8')).toBe(theirs);
    expect(result.stdout).toContain(
      '.env points elsewhere (DATABASE_URL, DIRECT_DATABASE_URL, FIXTURES_DEV_PORT, FIXTURES_DEV_DATA_DIR)',
    );
    expect(result.stdout).toContain(
      `DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects"\n` +
        `DIRECT_DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:${port}/ctoprojects"\n` +
        `FIXTURES_DEV_PORT="${port}"\n` +
        `FIXTURES_DEV_DATA_DIR="${dataDir}"\n`,
    );
    expect(result.output).not.toContain('hunter2');
  });

  it('db:down finds the server through .env alone, and stops it', async () => {
    const cwd = join(root, 'repository');

    const down = await fixtures(['db:down'], cwd, fromEnvFile);
    const again = await fixtures(['db:down'], cwd, fromEnvFile);

    expect(down.code, down.output).toBe(0);
    expect(down.stdout).toContain(`Stopped the development database; its data stays in ${dataDir}.`);
    expect(again.stdout).toContain(`The development database is not running (no server in ${dataDir}).`);
  });
});
