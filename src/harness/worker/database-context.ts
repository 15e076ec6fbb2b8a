/**
 * What a test gets for its database, from `withDatabase` and from the Vitest
 * `db` fixture alike: one place builds it, so both hand out the same thing.
 */
import { schemaName } from '../../config/database-url.ts';
import { createFactories, type Factories } from '../../factories/factories.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';

/** A test's database: what `withDatabase` passes to its function and what the `db` fixture is. */
export interface DatabaseContext {
  /** A Prisma Client on this database. */
  readonly prisma: PrismaClient;
  /** This database's URL (superuser; its password included, so keep it out of logs). */
  readonly url: string;
  /** This database's name, `fixtures_db_…`. */
  readonly name: string;
  /**
   * A factory per model, creating through `prisma`, with data derived from
   * the current test's seed (see `createFactories`).
   */
  readonly factories: Factories;
}

/** The context for a database reached through `prisma`. */
export function createDatabaseContext(prisma: PrismaClient, url: string, name: string): DatabaseContext {
  return { prisma, url, name, factories: createFactories(prisma, { schema: schemaName(new URL(url)) }) };
}
