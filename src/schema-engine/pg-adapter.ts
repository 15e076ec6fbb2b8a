/**
 * How the engine connects: `@prisma/adapter-pg` on a pool of our own, whose
 * results and scripts are mended for schema work (catalog-char.ts,
 * whole-script-adapter.ts): wrapped, never patched in node_modules.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { schemaName, withoutPrismaParameters } from '../config/database-url.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { CatalogAwareClient } from './catalog-char.ts';
import { WholeScriptAdapter } from './whole-script-adapter.ts';

/**
 * Turns a URL into `pg` settings. Prisma's own query parameters go; `?schema=`
 * becomes the connection's `search_path`, as the native engine sets it, so
 * migrations land in the schema the URL names.
 */
export function pgPoolConfig(url: URL, { readOnly = false } = {}): pg.PoolConfig {
  // A read-only session: PostgreSQL itself refuses every write, whatever the engine sends.
  const readOnlyOption = readOnly ? ' -c default_transaction_read_only=on' : '';
  return {
    connectionString: withoutPrismaParameters(url).toString(),
    options: `-c search_path=${quoteIdentifier(schemaName(url))}${readOnlyOption}`,
    Client: CatalogAwareClient,
    max: 4,
  } as pg.PoolConfig;
}

/** An adapter on `url` for the engine to run its queries and scripts through. */
export async function connectAdapter(url: URL, options: { readOnly?: boolean } = {}): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool(pgPoolConfig(url, options));
  const inner = await new PrismaPg(pool, { schema: schemaName(url), disposeExternalPool: true }).connect();
  return new WholeScriptAdapter(inner, pool);
}
