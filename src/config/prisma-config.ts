/**
 * The Prisma CLI's configuration for this package's data model. Two files
 * export it: `prisma.config.ts` at the repository root (plain `npx prisma …`
 * here) and `cli/prisma.config` in the package (what `ctoprojects-fixtures
 * prisma …` passes as `--config`, wherever the consumer runs it).
 *
 * Prisma 7 reads connection strings from here, not from schema.prisma, and
 * does not load `.env` by itself: we do, without overriding variables already
 * set in the environment.
 *
 * - Migrations, introspection and Studio use DIRECT_DATABASE_URL when it is
 *   set (PgBouncer in transaction mode breaks long migrations), else DATABASE_URL.
 * - SHADOW_DATABASE_URL is the database Prisma Migrate may wipe to diff against;
 *   without it a temporary database is created on the same server and dropped.
 * - The application's runtime client reads DATABASE_URL: see src/client.
 * - The schema engine: the offline one when no native engine is installed,
 *   as `ctoprojects-fixtures prisma` does (src/cli/schema-engine-choice.ts).
 */
import { defineConfig, type PrismaConfig } from 'prisma/config';
import { MIGRATIONS_DIR, nodeCommand, SCHEMA_PATH } from '../package-files.ts';
import { migrationDatabaseUrl, optionalDatabaseUrl } from './database-url.ts';
import { loadEnvFile } from './env-file.ts';
import { schemaEngineBinary } from './schema-engine-choice.ts';

export function fixturesPrismaConfig(env: NodeJS.ProcessEnv = process.env): PrismaConfig {
  loadEnvFile(env);
  // Prisma's CLI reads the variable after loading this file, before it looks for (or downloads) an engine.
  const engine = schemaEngineBinary(env);
  if (engine) env.PRISMA_SCHEMA_ENGINE_BINARY = engine;
  // Prisma's update check calls home on every command; plain `npx prisma` here makes no call either.
  env.CHECKPOINT_DISABLE ??= '1';

  const migrationUrl = migrationDatabaseUrl(env);
  const shadowUrl = optionalDatabaseUrl(env, 'SHADOW_DATABASE_URL');
  return defineConfig({
    schema: SCHEMA_PATH,
    migrations: {
      path: MIGRATIONS_DIR,
      // `prisma db seed`: the idempotent baseline (src/seed/baseline.ts). Prisma splits this at spaces, quotes and all.
      seed: [...nodeCommand('cli/main'), 'seed:baseline'].join(' '),
    },
    // Left out when no URL is set, so that `format`, `validate` and `generate` work without a database.
    ...(migrationUrl && {
      datasource: {
        url: migrationUrl.url.toString(),
        ...(shadowUrl && { shadowDatabaseUrl: shadowUrl.toString() }),
      },
    }),
  });
}
