/**
 * Prisma CLI configuration. Prisma 7 reads connection strings from here, not
 * from schema.prisma, and does not load `.env` by itself: we do, without
 * overriding variables already set in the environment.
 *
 * - Migrations, introspection and Studio use DIRECT_DATABASE_URL when it is
 *   set (PgBouncer in transaction mode breaks long migrations), else DATABASE_URL.
 * - SHADOW_DATABASE_URL is the database Prisma Migrate may wipe to diff against;
 *   without it a temporary database is created on the same server and dropped.
 * - The application's runtime client reads DATABASE_URL: see src/client.
 */
import { defineConfig } from 'prisma/config';
import { migrationDatabaseUrl, optionalDatabaseUrl } from './src/config/database-url.ts';
import { loadEnvFile } from './src/config/env-file.ts';

loadEnvFile();

const migrationUrl = migrationDatabaseUrl(process.env);
const shadowUrl = optionalDatabaseUrl(process.env, 'SHADOW_DATABASE_URL');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    // `prisma db seed` and `npm run db:seed`: the idempotent baseline (src/seed/baseline.ts).
    seed: 'node --experimental-strip-types --disable-warning=ExperimentalWarning src/seed/main.ts',
  },
  // Left out when no URL is set, so that `format`, `validate` and `generate` work without a database.
  ...(migrationUrl && {
    datasource: {
      url: migrationUrl.url.toString(),
      ...(shadowUrl && { shadowDatabaseUrl: shadowUrl.toString() }),
    },
  }),
});
