/**
 * 8 workers at once, each file with a schema (or a database) of its own,
 * reset by rollback or by truncation: no test sees another's rows, and no
 * file waits on Prisma's migration lock, which every schema used to take
 * (8 of 200 tests timed out on it), and the server holds at most two per
 * worker at any moment (it held 54 clones and 54 schemas for 8 workers when
 * each worker prepared two ahead that nobody used). Besides those, the run
 * keeps at most one ready clone per worker (ready-clones.ts): it cannot know
 * which files ask for a database, so a run of schema files still has them.
 * A real nested Vitest run on a database of its own, sampled every 20 ms
 * while it runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatOwnerTag, processStart, thisMachine } from '../../src/harness/shared/owner-tag.ts';
import { withClient } from '../../src/sql/with-client.ts';
import { emptyDatabase } from '../support/databases.ts';
import { startVitest } from '../support/nested-vitest.ts';

const CONFIG = fileURLToPath(new URL('fixtures/workers/vitest.config.ts', import.meta.url));
const WORKERS = 8;
const FILES = 16;
/** The advisory lock Prisma's engine takes on the whole database while it migrates. */
const MIGRATION_LOCK = 72707369;

/** Each file one of the four ways to isolate and reset, in turn. */
const MODES = [
  { isolation: 'schema', reset: 'transaction' },
  { isolation: 'schema', reset: 'truncate' },
  { isolation: 'database', reset: 'transaction' },
  { isolation: 'database', reset: 'truncate' },
] as const;

// Every test writes a row, then looks through Prisma and through raw SQL: it must see its own row and no other,
// neither another file's nor an earlier test's of its own file.
const fixtureFile = ({ isolation, reset }: (typeof MODES)[number], file: number) => `
import { expect, test as fixturesTest } from '@ctoprojects/fixtures/vitest';

const test = fixturesTest.override({ dbIsolation: '${isolation}', dbReset: '${reset}' });

for (const n of [1, 2, 3]) {
  test(\`sees only its own rows (\${n})\`, async ({ db }) => {
    const email = \`f${file}-\${n}@ctoprojects.dev\`;
    await db.prisma.user.create({ data: { email, displayName: 'F' } });
    expect(await db.prisma.user.findMany({ select: { email: true } })).toEqual([{ email }]);
    expect(await db.prisma.$queryRawUnsafe('SELECT email FROM users')).toEqual([{ email }]);
  });
}
`;

describe(`${WORKERS} workers, ${FILES} files, schema and database isolation, transaction and truncate resets`, () => {
  it('take no migration lock per file, hold at most two schemas or clones a worker, and leave none', async () => {
    const database = await emptyDatabase();
    const dir = await mkdtemp(join(fileURLToPath(new URL('fixtures/workers/', import.meta.url)), 'files-'));
    try {
      for (let file = 0; file < FILES; file++) {
        await writeFile(
          join(dir, `file-${file}.fixture.ts`),
          fixtureFile(MODES[file % MODES.length] ?? MODES[0], file),
        );
      }
      const run = startVitest(CONFIG, [`--maxWorkers=${WORKERS}`], {
        env: {
          FIXTURES_PROVIDER: 'external',
          TEST_DATABASE_URL: database.url,
          FIXTURES_HARNESS: undefined,
          FIXTURES_TEST_FILES_DIR: dir,
        },
        timeoutMs: 120_000,
      });
      const pid = run.child.pid as number;
      const owner = formatOwnerTag({ machine: thisMachine(), pid, start: processStart(pid) });
      const ownedBy = `'fixtures\\_%\\_${owner.replaceAll('_', '\\_')}\\_%'`;
      const readyOf = `'fixtures\\_ready\\_${owner.replaceAll('_', '\\_')}\\_%'`;
      let peak = 0;
      let peakReady = 0;
      const lockTakers = new Set<number>();
      let finished = false;
      void run.result.finally(() => {
        finished = true;
      });
      await withClient(database.url, async (client) => {
        while (!finished) {
          // Every test schema in this database is the nested run's; clones are told apart by its tag.
          const { rows } = await client.query<{ n: number; ready: number }>(
            `SELECT (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'fixtures\\_schema\\_%')::int
                  + (SELECT count(*) FROM pg_database WHERE datname LIKE ${ownedBy}
                       AND datname NOT LIKE 'fixtures\\_ready\\_%')::int AS n,
                    (SELECT count(*) FROM pg_database WHERE datname LIKE ${readyOf})::int AS ready`,
          );
          peak = Math.max(peak, rows[0]?.n ?? 0);
          peakReady = Math.max(peakReady, rows[0]?.ready ?? 0);
          const locks = await client.query<{ pid: number }>(
            `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ${MIGRATION_LOCK}
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          );
          for (const lock of locks.rows) lockTakers.add(lock.pid);
          await sleep(20);
        }
      });
      const result = await run.result;
      const left = await withClient(database.url, async (client) =>
        client.query(
          `SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'fixtures\\_schema\\_%'
           UNION ALL SELECT datname FROM pg_database WHERE datname LIKE ${ownedBy}`,
        ),
      );

      expect(result.code, result.output).toBe(0);
      expect(result.output).toMatch(new RegExp(`Test Files\\s+${FILES} passed`));
      expect(result.output).not.toMatch(/advisory lock/);
      expect(peak).toBeGreaterThan(0);
      expect(peak, `at most ${2 * WORKERS} held by workers at once`).toBeLessThanOrEqual(2 * WORKERS);
      expect(peakReady, `at most ${WORKERS} ready clones at once`).toBeLessThanOrEqual(WORKERS);
      // The template schema's build, once; then no schema takes it.
      expect(
        lockTakers.size,
        `backends that took or waited for the lock: ${[...lockTakers].join(', ')}`,
      ).toBeLessThanOrEqual(1);
      expect(left.rows, 'schemas and clones of the run, once it has ended').toEqual([]);
      process.stderr.write(
        `parallel-workers: ${WORKERS} workers, ${FILES} files, peak ${peak} schemas and clones, ${peakReady} ready clones\n`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
