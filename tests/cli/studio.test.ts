/**
 * `npm run prisma:studio` as a newcomer meets it: on a machine with no
 * display, and stopped by a signal to npm or to our command. Studio is a
 * server: whatever stops the command must stop it and free its port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/harness/run/servers/free-port.ts';
import { migratedDatabase, type TestDatabase } from '../support/databases.ts';
import { descendants, isGone, type TreeProcess } from '../support/process-tree.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';

interface Studio {
  readonly npm: ChildProcess;
  output(): string;
}

/** `npm run prisma:studio -- …args` with no display and no browser chosen, as on a server or in a container. */
function startStudio(database: TestDatabase, args: string[], env: Record<string, string> = {}): Studio {
  const npm = spawn('npm', ['run', 'prisma:studio', '--', ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      ...env,
      DISPLAY: undefined,
      WAYLAND_DISPLAY: undefined,
      BROWSER: undefined,
      CI: '1',
      FIXTURES_ENV_FILE: 'none',
      FIXTURES_SCHEMA_ENGINE: 'wasm',
      DATABASE_URL: database.url,
      DIRECT_DATABASE_URL: undefined,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  npm.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { npm, output: () => output };
}

/** The page Studio serves at `url`, on a connection of its own that closes after. */
function page(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve(response.statusCode === 200 ? body : undefined));
    }).on('error', () => resolve(undefined));
  });
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, studio: Studio): Promise<T> {
  for (let attempt = 0; attempt < 240; attempt++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await sleep(250);
  }
  throw new Error(`${what} did not happen within a minute. Output:\n${studio.output()}`);
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run prisma:studio', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await migratedDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('with no display, starts with no browser and names the URL to open, instead of dying of xdg-open', async () => {
    const studio = startStudio(database, []);
    try {
      const url = await until(
        'the notice',
        () => /Open (http:\/\/localhost:\d+) yourself/.exec(studio.output())?.[1],
        studio,
      );
      const served = await until('the page', () => page(url), studio);

      expect(studio.output()).toContain(
        'Prisma Studio: no display here (DISPLAY and WAYLAND_DISPLAY are unset), so no browser opens.',
      );
      expect(studio.output()).toContain(`Prisma Studio is running at: ${url}`);
      expect(served).toContain('window.__STUDIO_CONFIG__');
      expect(studio.output()).not.toContain('xdg-open ENOENT');
    } finally {
      for (const { pid } of descendants(studio.npm.pid as number)) process.kill(pid, 'SIGKILL');
      studio.npm.kill('SIGKILL');
    }
  });

  // The repository's .npmrc has bash run the scripts, and bash execs a lone command: npm's own signal reaches ours.
  // Under sh (another npm config, another runner), a SIGTERM kills the shell alone, and our command sees it orphaned.
  it.each([
    ['npm', 'SIGTERM', "the .npmrc's bash"],
    ['npm', 'SIGINT', "the .npmrc's bash"],
    ['npm', 'SIGTERM', 'sh'],
    ['our command', 'SIGTERM', "the .npmrc's bash"],
    ['our command', 'SIGINT', "the .npmrc's bash"],
    ['our command', 'SIGKILL', "the .npmrc's bash"],
  ] as const)('stops, and frees its port, when %s gets %s (scripts run by %s)', async (target, signal, shell) => {
    const port = await freePort();
    const studio = startStudio(
      database,
      ['--port', String(port), '--browser', 'none'],
      shell === 'sh' ? { npm_config_script_shell: 'sh' } : {},
    );
    let tree: TreeProcess[] = [];
    try {
      await until('the page', () => page(`http://127.0.0.1:${port}/`), studio);
      tree = descendants(studio.npm.pid as number);
      const command = tree.find((p) => /^\S*node \S*src\/cli\/main\.ts prisma studio/.test(p.command));
      expect(command, JSON.stringify(tree)).toBeDefined();

      process.kill(target === 'npm' ? (studio.npm.pid as number) : (command?.pid as number), signal);

      await until(
        'the end of every process',
        () => [studio.npm.pid as number, ...tree.map((p) => p.pid)].every(isGone),
        studio,
      );
      expect(await portAnswers(port)).toBe(false);
    } finally {
      for (const { pid } of tree) if (!isGone(pid)) process.kill(pid, 'SIGKILL');
      studio.npm.kill('SIGKILL');
    }
  });
});
