/**
 * `schema` isolation copies the template schema instead of migrating each
 * schema through Prisma's engine: the copy must be what the engine makes,
 * and it must not take the engine's database-wide migration lock, on which
 * 8 workers timed out.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { DATA_MODEL } from '../../src/harness/run/start-run.ts';
import { applyMigrations } from '../../src/harness/shared/apply-migrations.ts';
import { SchemaPool } from '../../src/harness/worker/schema-pool.ts';
import { schemaUrl } from '../../src/harness/worker/schema-url.ts';
import { quoteIdentifier } from '../../src/sql/quote-identifier.ts';
import { withClient } from '../../src/sql/with-client.ts';
import { query } from '../support/databases.ts';

/** The advisory lock Prisma's engine takes on the whole database while it migrates. */
const MIGRATION_LOCK = 72707369;

/** Everything the catalog says of `schema`'s objects, with its name taken out so that two schemas compare. */
async function shapeOf(schema: string): Promise<unknown> {
  const rows = await query<{ shape: string }>(
    inject('serverUrl'),
    `SELECT format('%s %s %s %s %s', c.table_name, c.column_name, c.udt_name, c.is_nullable, c.column_default) AS shape
       FROM information_schema.columns c WHERE c.table_schema = '${schema}'
     UNION ALL
     SELECT format('%s %s %s', t.relname, k.conname, pg_get_constraintdef(k.oid))
       FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = '${schema}'
     UNION ALL
     SELECT indexdef FROM pg_indexes WHERE schemaname = '${schema}'
     UNION ALL
     SELECT format('%s %s', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder))
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = '${schema}' GROUP BY t.typname
     ORDER BY 1`,
  );
  return rows.map(({ shape }) => shape.replaceAll(schema, '<schema>'));
}

const history = (schema: string) =>
  query(
    inject('serverUrl'),
    `SELECT id, checksum, migration_name, logs, rolled_back_at, applied_steps_count, started_at, finished_at
       FROM ${quoteIdentifier(schema)}._prisma_migrations ORDER BY migration_name`,
  );

describe('a schema copied from the template schema', () => {
  it("has the engine's tables, columns, constraints, indexes and enums, and the history it wrote, which it takes as applied", async () => {
    const adminUrl = new URL(inject('serverUrl'));
    const migrated = `fixtures_test_engine_${randomBytes(4).toString('hex')}`;
    const pool = await SchemaPool.open({ adminUrl, source: DATA_MODEL, template: inject('templateDatabase'), size: 0 });
    const copy = await pool.acquire();
    try {
      await query(inject('serverUrl'), `CREATE SCHEMA ${migrated}`);
      await applyMigrations(schemaUrl(adminUrl, migrated), DATA_MODEL, 'the schema');

      expect(await shapeOf(copy.name)).toEqual(await shapeOf(migrated));
      expect(((await shapeOf(copy.name)) as string[]).length).toBeGreaterThan(50);
      expect(await history(copy.name)).toEqual(await history(inject('templateDatabase')));
      expect(await applyMigrations(new URL(copy.url), DATA_MODEL, 'the copy')).toEqual([]);
    } finally {
      await query(inject('serverUrl'), `DROP SCHEMA IF EXISTS ${migrated} CASCADE`);
      await pool.release(copy.name);
      await pool.close();
    }
  });

  it("is handed out while another session holds Prisma's migration lock on the database", async () => {
    const pool = await SchemaPool.open({
      adminUrl: new URL(inject('serverUrl')),
      source: DATA_MODEL,
      template: inject('templateDatabase'),
      size: 0,
    });
    // The template schema is built once, under the lock; the copies after it do not wait for it.
    await pool.release((await pool.acquire()).name);
    try {
      const name = await withClient(inject('serverUrl'), async (holder) => {
        await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
        try {
          return (await pool.acquire()).name;
        } finally {
          await holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
        }
      });

      expect(await query(inject('serverUrl'), `SELECT count(*)::int AS n FROM ${quoteIdentifier(name)}.users`)).toEqual(
        [{ n: 0 }],
      );
      await pool.release(name);
    } finally {
      await pool.close();
    }
  });
});
