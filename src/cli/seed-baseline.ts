/**
 * `npm run seed:baseline`, `npm run db:seed` and `prisma db seed`: the
 * baseline into the database of DIRECT_DATABASE_URL, else DATABASE_URL.
 * With neither set, into the local development database of `npm run db:up`,
 * which it starts (and keeps) for you.
 *
 * Refuses a server that is not on this machine unless `--allow-remote` or
 * FIXTURES_SEED_ALLOW_REMOTE=1, so nobody seeds production by accident.
 *
 * Exit codes: 0 seeded; 1 the database refused the seed; 2 refused to run
 * (a remote host, a malformed URL); 3 the database is not migrated; 4 no
 * login: the server is not reachable, refused the user or password, or has
 * no such database.
 */

import { createPrismaClient } from '../client/create-prisma-client.ts';
import { remoteHosts, URL_HOST } from '../config/connection-hosts.ts';
import {
  ConfigurationError,
  databaseName,
  migrationDatabaseUrl,
  redactPasswords,
  requireMigrationDatabaseUrl,
} from '../config/database-url.ts';
import { loadEnvFile } from '../config/env-file.ts';
import { FactoryError } from '../factories/errors.ts';
import { type SeedSummary, seedBaseline } from '../seed/baseline.ts';
import { DatabaseNotMigratedError } from '../seed/migrated.ts';
import { assertReachable, DatabaseUnreachableError } from '../seed/reachable.ts';
import createDebug from '../text/debug.ts';
import { formatTable } from '../text/format-table.ts';
import { fixturesCommand } from './command-hint.ts';

const debugSeed = createDebug('fixtures:seed');

const EXIT = { seeded: 0, failed: 1, refused: 2, notMigrated: 3, unreachable: 4 } as const;

function formatSummary(summary: SeedSummary): string {
  const header = ['table', 'created', 'updated', 'found'];
  const lines = Object.entries(summary).map(([table, counts]) => [
    table,
    String(counts.created),
    String(counts.updated),
    String(counts.found),
  ]);
  return `${formatTable(header, lines)}\n`;
}

async function seed(args: readonly string[]): Promise<number> {
  loadEnvFile();
  if (!migrationDatabaseUrl(process.env)) {
    // No database configured: the local development server, started (or found running) by db:up, which seeds it.
    process.stdout.write(
      `Neither DIRECT_DATABASE_URL nor DATABASE_URL is set: seeding the local development database (${fixturesCommand('db:up')}).\n`,
    );
    const { databaseUp } = await import('./dev-database.ts');
    await databaseUp();
    return EXIT.seeded;
  }
  const { variable, url } = requireMigrationDatabaseUrl(process.env, 'seed:baseline');
  const allowRemote = args.includes('--allow-remote') || process.env.FIXTURES_SEED_ALLOW_REMOTE === '1';
  // Every host the connection could use, as pg and libpq read the URL and the environment: decided before connecting.
  const [remote] = remoteHosts(url);
  if (remote && !allowRemote) {
    process.stderr.write(
      `Error: ${variable} points at ${remote.host}${remote.from === URL_HOST ? '' : ` (from ${remote.from})`}, which is not this machine. Nothing was written. To seed it anyway, pass --allow-remote or set FIXTURES_SEED_ALLOW_REMOTE=1.\n`,
    );
    return EXIT.refused;
  }
  await assertReachable(url, variable, process.env);
  const prisma = createPrismaClient({ url: url.toString(), variable });
  const progress = process.stderr.isTTY
    ? (table: string, counts: SeedSummary[string]) =>
        process.stderr.write(
          `  ${table}: ${counts.created} created, ${counts.updated} updated, ${counts.found} found\n`,
        )
    : undefined;
  try {
    process.stdout.write(`Seeding the baseline into "${databaseName(url)}" (${redactPasswords(url.toString())})…\n`);
    const summary = await seedBaseline(prisma, progress ? { onTable: progress } : {});
    process.stdout.write(formatSummary(summary));
    return EXIT.seeded;
  } finally {
    await prisma.$disconnect();
  }
}

/** `ctoprojects-fixtures seed:baseline [--allow-remote]`; resolves to the exit code (see the top of this file). */
export async function runSeedBaseline(args: readonly string[]): Promise<number> {
  try {
    return await seed(args);
  } catch (error) {
    const message = redactPasswords(String((error as Error).message ?? error));
    if (error instanceof ConfigurationError) {
      process.stderr.write(`Error: ${message}\n`);
      return EXIT.refused;
    }
    if (error instanceof DatabaseNotMigratedError) {
      process.stderr.write(`Error: seeding the baseline: ${message}\n`);
      return EXIT.notMigrated;
    }
    if (error instanceof DatabaseUnreachableError) {
      process.stderr.write(`Error: seeding the baseline: ${message}\n`);
      return EXIT.unreachable;
    }
    // The database's own message on one line; DEBUG=fixtures:seed shows the stack.
    debugSeed('%s', redactPasswords(String((error as Error).stack)));
    process.stderr.write(
      `Error: seeding the baseline failed, and was rolled back: ${message}\n` +
        (error instanceof FactoryError || !/does not exist/.test(message)
          ? ''
          : `Hint: run ${fixturesCommand('prisma migrate deploy')} first if the tables are missing.\n`),
    );
    return EXIT.failed;
  }
}
