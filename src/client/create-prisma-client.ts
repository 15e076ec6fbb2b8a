/**
 * The application's Prisma Client, built on `@prisma/adapter-pg` from
 * `DATABASE_URL`, honouring the pooling flags the old data layer documented.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { parseDatabaseUrl, schemaName, withoutPrismaParameters } from '../config/database-url.ts';
import { checkOptions } from '../config/option-values.ts';
import { PrismaClient } from '../generated/prisma/client.ts';

/** Prisma's own defaults for the flags, kept so that a URL means what it meant before. */
const DEFAULT_POOL_TIMEOUT_SECONDS = 10;

/** What `poolSettings` reads from a `DATABASE_URL`-style string. */
export interface PoolSettings {
  /** `pg.Pool` settings: the URL without Prisma's flags, `max` from `connection_limit`, the wait from `pool_timeout`. */
  readonly pool: pg.PoolConfig;
  /** The PostgreSQL schema from `?schema=`, `public` by default. */
  readonly schema: string;
  /** `pgbouncer=true`: the URL goes through PgBouncer in transaction mode. */
  readonly pgbouncer: boolean;
}

/**
 * Reads a `DATABASE_URL`-style string into pool settings.
 *
 * - `connection_limit=N`: at most N connections (pg's default of 10 otherwise).
 * - `pool_timeout=S`: wait at most S seconds for a free connection (10; 0 waits forever).
 * - `pgbouncer=true`: statements are never prepared under a name, so no
 *   statement outlives its transaction on the server connection PgBouncer lent.
 *   adapter-pg already sends only unnamed statements; the flag records that
 *   the URL depends on it, and we never turn named statements on.
 *
 * @example
 * poolSettings('DATABASE_URL', 'postgresql://app@pgbouncer:6432/ctoprojects?pgbouncer=true&connection_limit=5').pool.max; // 5
 */
export function poolSettings(variable: string, value: string | undefined): PoolSettings {
  const url = parseDatabaseUrl(variable, value);
  const connectionLimit = url.searchParams.get('connection_limit');
  const poolTimeout = Number(url.searchParams.get('pool_timeout') ?? DEFAULT_POOL_TIMEOUT_SECONDS);
  const pgbouncer = url.searchParams.get('pgbouncer') === 'true';
  return {
    pool: {
      connectionString: withoutPrismaParameters(url).toString(),
      ...(connectionLimit !== null && { max: Number(connectionLimit) }),
      connectionTimeoutMillis: poolTimeout * 1000,
    },
    schema: schemaName(url),
    pgbouncer,
  };
}

/** Options of `createPrismaClient`. */
export interface CreatePrismaClientOptions {
  /** The connection string; `process.env.DATABASE_URL` by default. */
  readonly url?: string;
  /** Named in error messages; `DATABASE_URL` by default. */
  readonly variable?: string;
}

/**
 * A Prisma Client for the CTOProjects data model on `DATABASE_URL`.
 *
 * @example
 * const prisma = createPrismaClient();
 * const learners = await prisma.user.findMany({ where: { role: 'LEARNER' } });
 * await prisma.$disconnect();
 */
export function createPrismaClient(options: CreatePrismaClientOptions = {}): PrismaClient {
  checkOptions('createPrismaClient', options, { url: 'string', variable: 'string' });
  const variable = options.variable ?? 'DATABASE_URL';
  const { pool, schema } = poolSettings(variable, options.url ?? process.env[variable]);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  schemas.set(client, schema);
  return client;
}

/**
 * Prisma qualifies its own queries with the adapter's schema, but raw SQL runs
 * on the connection's search_path; code that writes raw SQL for a client asks
 * here which schema the client was made for.
 */
const schemas = new WeakMap<object, string>();

/** The schema `createPrismaClient` made `client` for, or undefined for a client made elsewhere. */
export function schemaOfClient(client: object): string | undefined {
  return schemas.get(client);
}
