/**
 * Reset by truncation: after a test, every table but `_prisma_migrations` is
 * emptied. For code under test that needs real commits (two connections,
 * LISTEN/NOTIFY, code that manages its own transactions), where a
 * rolled-back transaction cannot isolate.
 *
 * `TRUNCATE` costs about 5 ms a table whatever it holds (each table gets new
 * files), while a test usually leaves a few rows. So the reset is one `DO`
 * block, one round trip: while no table holds more than
 * {@link FEW_ROWS} rows, it `DELETE`s from every table, children before
 * parents, and restarts the tables' sequences; otherwise it `TRUNCATE`s them
 * all, as before. Measured side by side in `npm run bench`. Where the foreign
 * keys form a cycle, no order deletes children first, and it always truncates.
 * Unlike `TRUNCATE`, `DELETE` fires `ON DELETE` triggers (the data model has none).
 */

import type { PrismaClient } from '../../../generated/prisma/client.ts';
import createDebug from '../../../text/debug.ts';

const debug = createDebug('fixtures:reset');

/** Above this many rows in one table, truncating it is cheaper than deleting them. */
export const FEW_ROWS = 1000;

interface Table {
  readonly oid: number;
  /** Quoted and schema-qualified, by format('%I.%I'). */
  readonly name: string;
}

/** Returns a function that empties every table of the client's schema except Prisma's migration history. */
export async function truncateAll(prisma: PrismaClient): Promise<() => Promise<void>> {
  const tables = await prisma.$queryRaw<Table[]>`
    SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
    ORDER BY c.relname`;
  if (tables.length === 0) return async () => {};
  const references = await prisma.$queryRaw<{ child: number; parent: number }[]>`
    SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint
    WHERE contype = 'f' AND connamespace = current_schema()::regnamespace AND conrelid <> confrelid`;
  const sequences = await prisma.$queryRaw<{ name: string }[]>`
    SELECT format('%I.%I', n.nspname, s.relname) AS name
    FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_depend d ON d.objid = s.oid
    WHERE s.relkind = 'S' AND n.nspname = current_schema() AND d.deptype IN ('a', 'i')
    ORDER BY s.relname`;

  const truncate = `TRUNCATE ${tables.map((table) => table.name).join(', ')} RESTART IDENTITY CASCADE`;
  const order = childrenFirst(tables, references);
  if (!order) {
    return async () => {
      await prisma.$executeRawUnsafe(truncate);
    };
  }
  // Names come from the catalog, already quoted by format('%I').
  const statement = `DO $fixtures$ BEGIN
    IF ${tables.map((table) => `EXISTS (SELECT FROM ${table.name} OFFSET ${FEW_ROWS})`).join(' OR ')} THEN
      ${truncate};
    ELSE
      ${order.map((table) => `DELETE FROM ${table.name};`).join(' ')}
      ${sequences.map((sequence) => `ALTER SEQUENCE ${sequence.name} RESTART;`).join(' ')}
    END IF;
  END $fixtures$`;
  return async () => {
    const started = performance.now();
    await prisma.$executeRawUnsafe(statement);
    debug('emptied %d tables in %d ms', tables.length, Math.round(performance.now() - started));
  };
}

/** The tables ordered so that every table comes before those it references; undefined on a cycle. */
function childrenFirst(
  tables: readonly Table[],
  references: readonly { child: number; parent: number }[],
): Table[] | undefined {
  const referencedBy = new Map<number, number>(tables.map((table) => [table.oid, 0]));
  for (const { parent } of references) referencedBy.set(parent, (referencedBy.get(parent) ?? 0) + 1);
  const ordered: Table[] = [];
  const ready = tables.filter((table) => referencedBy.get(table.oid) === 0);
  while (ready.length > 0) {
    const table = ready.shift() as Table;
    ordered.push(table);
    for (const { child, parent } of references) {
      if (child !== table.oid) continue;
      const left = (referencedBy.get(parent) ?? 0) - 1;
      referencedBy.set(parent, left);
      const parentTable = tables.find((candidate) => candidate.oid === parent);
      if (left === 0 && parentTable) ready.push(parentTable);
    }
  }
  return ordered.length === tables.length ? ordered : undefined;
}
