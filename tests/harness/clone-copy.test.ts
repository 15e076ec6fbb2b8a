/**
 * How a clone is copied: by its files (`STRATEGY FILE_COPY`) on a throwaway
 * server, where the checkpoint it takes costs nothing and nobody else waits
 * on it, and the default way (`WAL_LOG`) on a server of yours. Either way a
 * clone is the template's whole copy.
 */
import { describe, expect, inject, it } from 'vitest';
import { ClonePool, copyStrategyFor } from '../../src/harness/worker/clone-pool.ts';
import { withClient } from '../../src/sql/with-client.ts';

/** Checkpoints the server has been asked for so far (PostgreSQL 17 moved the count to pg_stat_checkpointer). */
async function checkpointsRequested(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const version = Number((await client.query('SHOW server_version_num')).rows[0]?.server_version_num);
    const sql =
      version >= 170000
        ? 'SELECT num_requested AS n FROM pg_stat_checkpointer'
        : 'SELECT checkpoints_req AS n FROM pg_stat_bgwriter';
    return Number((await client.query<{ n: string }>(sql)).rows[0]?.n);
  });
}

describe('a clone', () => {
  it('is copied by its files on a throwaway server, and the default way on a server of yours', () => {
    for (const provider of ['embedded', 'system', 'testcontainers'])
      expect(copyStrategyFor(provider)).toBe('FILE_COPY');
    expect(copyStrategyFor('external')).toBeUndefined();
  });

  it.each([['FILE_COPY'], [undefined]] as const)(
    'copied with %s is the template, migrated, whole',
    async (copyStrategy) => {
      const server = inject('serverUrl');
      const pool = await ClonePool.open({
        adminUrl: new URL(server),
        template: inject('templateDatabase'),
        size: 0,
        copyStrategy,
      });
      const before = await checkpointsRequested(server);
      const clone = await pool.acquire();
      try {
        const tables = await withClient(clone.url, async (client) => {
          const migrations = await client.query('SELECT migration_name FROM _prisma_migrations');
          const { rows } = await client.query(
            "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
          );
          return { migrations: migrations.rows.length, tables: rows[0]?.n };
        });

        expect(tables).toEqual({ migrations: 1, tables: 9 });
        // FILE_COPY asks for a checkpoint before it copies; the count may lag until the checkpoint is done.
        if (copyStrategy) {
          const deadline = Date.now() + 10_000;
          let after = await checkpointsRequested(server);
          while (after <= before && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            after = await checkpointsRequested(server);
          }
          expect(after).toBeGreaterThan(before);
        }
      } finally {
        await pool.release(clone.name);
        await pool.close();
      }
    },
  );
});
