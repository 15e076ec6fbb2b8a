/**
 * The truncate reset as it was: one `TRUNCATE` of every table whatever they
 * hold. The bench's point of comparison for the reset the harness does now
 * (src/harness/worker/reset/truncate.ts), which deletes while the tables hold few rows.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.ts';

export async function truncateEveryTable(prisma: PrismaClient): Promise<() => Promise<void>> {
  const tables = await prisma.$queryRaw<{ name: string }[]>`
    SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
    WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`;
  if (tables.length === 0) return async () => {};
  const statement = `TRUNCATE ${tables.map((table) => table.name).join(', ')} RESTART IDENTITY CASCADE`;
  return async () => {
    await prisma.$executeRawUnsafe(statement);
  };
}
