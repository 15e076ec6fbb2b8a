/**
 * Seeding an unmigrated or drifted database would fail half-way or write rows
 * the schema no longer means: check first, and say which command fixes it.
 */
import { readdirSync } from 'node:fs';
import { fixturesCommand } from '../cli/command-hint.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { MIGRATIONS_DIR } from '../package-files.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

/** `seedBaseline` refused a database whose migrations are missing or differ from prisma/migrations; it wrote nothing. */
export class DatabaseNotMigratedError extends Error {
  override readonly name = 'DatabaseNotMigratedError';
}

/** Throws DatabaseNotMigratedError unless every migration of prisma/migrations, and no other, is applied. */
export async function assertMigrated(prisma: PrismaClient, schema: string | undefined): Promise<void> {
  const history = schema ? `${quoteIdentifier(schema)}."_prisma_migrations"` : '"_prisma_migrations"';
  const [table] = await prisma.$queryRawUnsafe<{ found: boolean }[]>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    history,
  );
  const next = `Nothing was written. Run ${fixturesCommand('prisma migrate deploy')} against this database, then seed again.`;
  if (!table?.found) {
    throw new DatabaseNotMigratedError(`the database has no _prisma_migrations table: it was never migrated. ${next}`);
  }
  const applied = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT migration_name AS name FROM ${history} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const appliedNames = new Set(applied.map((row) => row.name));
  const local = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const pending = local.filter((name) => !appliedNames.has(name));
  if (pending.length > 0) {
    throw new DatabaseNotMigratedError(`${pending.length} migration(s) not applied: ${pending.join(', ')}. ${next}`);
  }
  const unknown = [...appliedNames].filter((name) => !local.includes(name));
  if (unknown.length > 0) {
    throw new DatabaseNotMigratedError(
      `the database has migrations that prisma/migrations does not: ${unknown.join(', ')}. It was migrated from another branch or checkout: update this checkout, or reset the database with ${fixturesCommand('prisma migrate reset')}. Nothing was written.`,
    );
  }
}
