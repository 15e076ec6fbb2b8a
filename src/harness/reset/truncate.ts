/**
 * Reset by truncation: after a test, every table but `_prisma_migrations` is
 * emptied in one statement. For code under test that needs real commits (two
 * connections, LISTEN/NOTIFY, code that manages its own transactions), where
 * a rolled-back transaction cannot isolate.
 */
import type { PrismaClient } from '../../generated/prisma/client.ts';

/** Returns a function that empties every table of the client's schema except Prisma's migration history. */
export async function truncateAll(prisma: PrismaClient): Promise<() => Promise<void>> {
  const tables = await prisma.$queryRaw<{ name: string }[]>`
    SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
    WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`;
  if (tables.length === 0) return async () => {};
  // Names come from the catalog, already quoted by format('%I'); one statement keeps it to one round trip.
  const statement = `TRUNCATE ${tables.map((table) => table.name).join(', ')} RESTART IDENTITY CASCADE`;
  return async () => {
    await prisma.$executeRawUnsafe(statement);
  };
}
