/**
 * Prisma Migrate wipes SHADOW_DATABASE_URL. A shadow that reaches the main
 * database under another spelling (localhost for 127.0.0.1, a unix socket,
 * another role, another address and port) must be refused before anything is
 * written: by the command, whichever engine it runs, and by the offline
 * engine itself, for a Prisma CLI run without the command.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { connectToShadowDatabase } from '../../src/schema-engine/shadow-database.ts';
import { emptyDatabase, migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { passwordShown } from '../support/password-shown.ts';
import { PROJECT_ROOT, runNode, runPrisma } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';
import { forwardTcp, type TcpForwarder } from '../support/tcp-forwarder.ts';
import { localSocketDir, NO_LOCAL_SOCKET } from '../support/unix-socket.ts';

/** What a wipe would destroy: the rows, a table Prisma does not know, the migration history. */
async function contents(url: string): Promise<Record<string, unknown>> {
  const [row] = await query(
    url,
    `SELECT (SELECT count(*)::int FROM users) AS users,
            (SELECT string_agg(note, ',') FROM keep_me) AS keep_me,
            (SELECT count(*)::int FROM _prisma_migrations) AS migrations`,
  );
  return { ...row };
}

const BEFORE = { users: 2, keep_me: "not Prisma's", migrations: 1 };

describe('a SHADOW_DATABASE_URL that reaches the main database', () => {
  let main: TestDatabase;
  let project: ScratchProject;
  let forwarder: TcpForwarder;
  let socketDir: string | undefined;
  const role = `fixtures_test_shadow_${randomBytes(4).toString('hex')}`;
  const rolePassword = randomBytes(12).toString('hex');

  /** The main database under another spelling. */
  const spellings: Record<string, () => string> = {
    'the same text': () => main.url,
    'localhost for 127.0.0.1': () => respelled((url) => (url.hostname = 'localhost')),
    'a unix socket': () => {
      const { username, password, port } = new URL(main.url);
      return `postgresql:///${main.name}?host=${encodeURIComponent(socketDir ?? '')}&port=${port}&user=${username}&password=${password}`;
    },
    'another role and password': () =>
      respelled((url) => {
        url.username = role;
        url.password = rolePassword;
      }),
    '[::1] on another port, forwarded to the server': () =>
      respelled((url) => {
        url.hostname = '[::1]';
        url.port = String(forwarder.port);
      }),
  };
  const cases = Object.keys(spellings);
  const respelled = (change: (url: URL) => void) => {
    const url = new URL(main.url);
    change(url);
    return url.toString();
  };

  beforeAll(async () => {
    project = await scratchProject();
    await query(inject('serverUrl'), `CREATE ROLE ${role} LOGIN PASSWORD '${rolePassword}'`);
    socketDir = await localSocketDir(inject('serverUrl'));
    const server = new URL(inject('serverUrl'));
    forwarder = await forwardTcp('::1', { host: server.hostname, port: Number(server.port) });
  });

  beforeEach(async () => {
    main = await migratedDatabase();
    await query(
      main.url,
      `INSERT INTO users (email, display_name) VALUES ('a@ctoprojects.dev', 'A'), ('b@ctoprojects.dev', 'B');
       CREATE TABLE keep_me (note text); INSERT INTO keep_me VALUES ('not Prisma''s');
       -- The other role may wipe the schema (it owns it): only the refusal stands between it and the data.
       ALTER SCHEMA public OWNER TO ${role};`,
    );
  });

  afterEach(async () => {
    await main?.drop();
  });

  afterAll(async () => {
    await forwarder?.close();
    await project?.remove();
    await query(inject('serverUrl'), `DROP ROLE IF EXISTS ${role}`);
  });

  it.for(cases)('spelled with %s, is refused by the command before Prisma starts', async (spelling, { skip }) => {
    skip(spelling === 'a unix socket' && socketDir === undefined, NO_LOCAL_SOCKET);
    const result = await runPrisma(['migrate', 'dev', '--name', 'next'], {
      cwd: project.dir,
      env: { DATABASE_URL: main.url, SHADOW_DATABASE_URL: spellings[spelling]?.() },
    });

    expect(result.code, result.output).toBe(1);
    expect(result.stderr.split('\n')[0]).toMatch(
      new RegExp(`^Error: SHADOW_DATABASE_URL reaches the same database as DATABASE_URL \\("${main.name}"`),
    );
    expect(result.output).not.toContain('Prisma schema loaded');
    expect(result.output).not.toContain(rolePassword);
    const { password, username } = new URL(main.url);
    expect(passwordShown(result.output, password, username), result.output).toBe(false);
    expect(await contents(main.url)).toEqual(BEFORE);
  });

  it.for(cases)(
    'spelled with %s, is refused by the offline engine before it wipes anything',
    async (spelling, { skip }) => {
      skip(spelling === 'a unix socket' && socketDir === undefined, NO_LOCAL_SOCKET);
      const shadowUrl = new URL(spellings[spelling]?.() as string);

      await expect(connectToShadowDatabase({ url: new URL(main.url), shadowUrl })).rejects.toThrow(
        new RegExp(`^SHADOW_DATABASE_URL reaches the same database as the main URL \\("${main.name}"`),
      );
      expect(await contents(main.url)).toEqual(BEFORE);
    },
  );

  it('is refused by the offline engine when the Prisma CLI runs without the command', async () => {
    const prismaCli = join(PROJECT_ROOT, 'node_modules', 'prisma', 'build', 'index.js');
    const config = join(project.dir, 'src', 'cli', 'prisma.config.ts');
    const result = await runNode([prismaCli, 'migrate', 'dev', '--name', 'next', '--config', config], {
      cwd: project.dir,
      env: { DATABASE_URL: main.url, SHADOW_DATABASE_URL: spellings['localhost for 127.0.0.1']?.() },
    });

    expect(result.code).not.toBe(0);
    expect(result.output).toContain('SHADOW_DATABASE_URL reaches the same database as the main URL');
    expect(await contents(main.url)).toEqual(BEFORE);
  });

  it('while a real second database on the same server serves as the shadow, and is wiped', async () => {
    const shadow = await emptyDatabase();
    try {
      await query(shadow.url, 'CREATE TABLE leftover_in_shadow (id int)');
      await query(main.url, 'DROP TABLE keep_me'); // Prisma's drift check would stop at a table it does not know
      const shadowUrl = new URL(shadow.url);
      shadowUrl.hostname = 'localhost';

      const result = await runPrisma(['migrate', 'dev', '--name', 'next'], {
        cwd: project.dir,
        env: { DATABASE_URL: main.url, SHADOW_DATABASE_URL: shadowUrl.toString() },
      });

      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain('Already in sync');
      expect(await query(main.url, 'SELECT count(*)::int AS users FROM users')).toEqual([{ users: 2 }]);
      expect(await query(shadow.url, "SELECT 1 FROM pg_tables WHERE tablename = 'leftover_in_shadow'")).toEqual([]);
    } finally {
      await shadow.drop();
    }
  });
});
