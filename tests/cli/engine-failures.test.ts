/**
 * No failure of the schema engine reads as success: through the real Prisma
 * CLI (the command behind `npm run prisma:*`) on the offline engine, a
 * server that is not there, an engine killed mid-request, and the work that
 * needs no server at all.
 *
 * Before these fixes each of the first two printed nothing and exited 0:
 * the engine died without answering its open request, and Prisma's CLI takes
 * an engine that ends as one that is done.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, query, type TestDatabase } from '../support/databases.ts';
import { descendants } from '../support/process-tree.ts';
import { runPrisma, startNode } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';
import { startSilentServer } from '../support/silent-server.ts';

/** An advisory lock of this test's own, which the engine's script waits on while the test holds it. */
const HELD_LOCK = 4_242_001;

/** A loopback port that nothing listens on: taken, then given back. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a server the engine cannot reach', () => {
  it('fails `db execute` with P1001 naming the server, where it used to exit 0 in silence', async () => {
    const port = await deadPort();
    const project = await scratchProject();
    await writeFile(join(project.dir, 'query.sql'), 'SELECT 1;\n');
    const result = await runPrisma(['db', 'execute', '--file', 'query.sql'], {
      cwd: project.dir,
      env: { DATABASE_URL: `postgresql://postgres:secret-pw@127.0.0.1:${port}/ctoprojects` },
    }).finally(() => project.remove());

    expect(result.code, result.output).toBe(1);
    expect(result.stderr).toContain(
      `P1001\n\nCan't reach database server at \`127.0.0.1:${port}\`\n\nPlease make sure your database server is running at \`127.0.0.1:${port}\`.`,
    );
    expect(result.output).not.toContain('secret-pw');
  });

  it("says P1001 the way the native engine does: the host with Prisma's default port, and a blank line", async () => {
    const result = await runPrisma(['migrate', 'status'], {
      env: { DATABASE_URL: 'postgresql://postgres:secret-pw@doesnotexist.invalid/ctoprojects' },
    });

    expect(result.code, result.output).toBe(1);
    expect(result.stderr).toContain(
      "P1001: Can't reach database server at `doesnotexist.invalid:5432`\n\n" +
        'Please make sure your database server is running at `doesnotexist.invalid:5432`.',
    );
  });
});

describe('an engine that dies mid-request', () => {
  let database: TestDatabase;
  let lock: pg.Client;

  beforeAll(async () => {
    database = await emptyDatabase();
    lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
  });

  afterAll(async () => {
    await lock.end();
    await database.drop();
  });

  it('fails the command, naming how the engine ended, where Prisma would exit 0', async () => {
    // The script waits for a lock we hold: the engine is then in the middle of `dbExecute`.
    await lock.query('SELECT pg_advisory_lock($1)', [HELD_LOCK]);
    const project = await scratchProject();
    await writeFile(join(project.dir, 'wait.sql'), `SELECT pg_advisory_lock(${HELD_LOCK});\n`);
    const command = startNode(
      [join(project.dir, 'src', 'cli', 'main.ts'), 'prisma', 'db', 'execute', '--file', 'wait.sql'],
      { cwd: project.dir, env: { DATABASE_URL: database.url } },
    );
    try {
      await until(
        async () =>
          (
            await query(
              database.url,
              `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_lock(${HELD_LOCK})%'`,
            )
          ).length > 0,
        'the script to wait on its lock',
      );
      const engine = descendants(command.child.pid ?? 0).find((child) => child.command.includes('schema-engine/main'));
      expect(engine, 'the offline engine under the CLI').toBeDefined();

      process.kill(engine?.pid ?? 0, 'SIGKILL');
      const result = await command.result;

      expect(result.code, result.output).toBe(1);
      // Now and then Prisma notices the death itself ("Error in Schema engine"); mostly it exits 0, and then
      // the watcher is what fails the command (without it this test saw exit 0 and no message).
      expect(result.stderr).toMatch(
        /the schema engine was killed by SIGKILL before the command finished|Error: Error in Schema engine/,
      );
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [HELD_LOCK]);
      await project.remove();
    }
  });
});

describe('work that needs no database', () => {
  let project: ScratchProject;

  beforeAll(async () => {
    project = await scratchProject();
    const schema = await project.readSchema();
    await writeFile(join(project.dir, 'before.prisma'), schema);
    await writeFile(
      join(project.dir, 'after.prisma'),
      schema.replace('  displayName String   @map("display_name")', '$&\n  nickname    String?'),
    );
  });

  afterAll(() => project.remove());

  const diff = ['migrate', 'diff', '--from-schema', 'before.prisma', '--to-schema', 'after.prisma', '--script'];

  it('diffs two schema files with no URL configured, where it used to print nothing and exit 0', async () => {
    const result = await runPrisma(diff, { cwd: project.dir });

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" TEXT;');
  });

  it('opens no connection to the configured server, even one that never answers', async () => {
    const server = await startSilentServer();
    const result = await runPrisma(diff, {
      cwd: project.dir,
      env: { DATABASE_URL: server.url('secret-pw') },
      timeoutMs: 60_000,
    }).finally(() => server.close());

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" TEXT;');
    expect(server.connections()).toBe(0);
  });
});

describe('format, validate and generate', () => {
  it.each([['format', '--check'], ['validate'], ['generate', '--no-hints']])(
    'prisma %s opens no connection to the configured server',
    async (...args) => {
      const server = await startSilentServer();
      const project = await scratchProject(); // generate writes: never into the checkout other tests import from
      const result = await runPrisma(args, {
        cwd: project.dir,
        env: { DATABASE_URL: server.url('secret-pw') },
        timeoutMs: 60_000,
      }).finally(() => Promise.all([server.close(), project.remove()]));

      expect(result.code, result.output).toBe(0);
      expect(server.connections()).toBe(0);
    },
  );
});

describe("bad input, each a non-zero exit with Prisma's code and no password", () => {
  let project: ScratchProject;

  beforeAll(async () => {
    project = await scratchProject();
  });

  afterAll(() => project.remove());

  it('a database that does not exist: P1003', async () => {
    const database = await emptyDatabase();
    const missing = new URL(database.url);
    missing.pathname = `/${database.name}_missing`;
    await database.drop();

    const result = await runPrisma(['migrate', 'status'], { cwd: project.dir, env: { DATABASE_URL: missing.href } });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `P1003: Database \`${database.name}_missing\` does not exist on the database server at \`127\\.0\\.0\\.1:\\d+\``,
      ),
    );
    if (missing.password) expect(result.output).not.toContain(decodeURIComponent(missing.password));
  });

  it('a schema that does not validate: P1012, naming the line, and nothing pushed', async () => {
    const database = await emptyDatabase();
    await writeFile(
      join(project.dir, 'invalid.prisma'),
      'datasource db {\n  provider = "postgresql"\n}\n\nmodel Blog {\n  id Int @id\n  title Strin\n}\n',
    );

    const result = await runPrisma(['db', 'push', '--schema', 'invalid.prisma'], {
      cwd: project.dir,
      env: { DATABASE_URL: database.url },
    });
    const tables = await query(database.url, "SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
    await database.drop();

    expect(result.code).toBe(1);
    expect(result.output).toContain('P1012');
    expect(result.output).toContain('Type "Strin" is neither a built-in type, nor refers to another model');
    expect(result.output).toContain('-->  invalid.prisma:7');
    expect(tables).toEqual([]);
    const password = decodeURIComponent(new URL(database.url).password);
    if (password) expect(result.output).not.toContain(password);
  });
});
