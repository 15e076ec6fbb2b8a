/**
 * `npm run db:seed` (`prisma db seed`): the baseline into the database of
 * DIRECT_DATABASE_URL, else DATABASE_URL. Refuses a server that is not on
 * this machine unless FIXTURES_SEED_ALLOW_REMOTE=1, so nobody seeds
 * production by accident.
 */

import { isIPv4, isIPv6 } from 'node:net';
import createDebug from 'debug';
import { createPrismaClient } from '../client/create-prisma-client.ts';
import {
  ConfigurationError,
  databaseName,
  redactPasswords,
  requireMigrationDatabaseUrl,
} from '../config/database-url.ts';
import { loadEnvFile } from '../config/env-file.ts';
import { seedBaseline } from './baseline.ts';

const debugSeed = createDebug('fixtures:seed');

/** Loopback only: `localhost`, 127.0.0.0/8, ::1, or a unix socket (no host). */
function isThisMachine(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === '' || host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  return isIPv6(host) && host === '::1';
}

async function main(): Promise<number> {
  loadEnvFile();
  const { variable, url } = requireMigrationDatabaseUrl(process.env, 'db:seed');
  if (!isThisMachine(url.hostname) && process.env.FIXTURES_SEED_ALLOW_REMOTE !== '1') {
    process.stderr.write(
      `Error: ${variable} points at ${url.hostname}, which is not this machine: set FIXTURES_SEED_ALLOW_REMOTE=1 to seed it anyway.\n`,
    );
    return 2;
  }
  const prisma = createPrismaClient({ url: url.toString(), variable });
  try {
    const summary = await seedBaseline(prisma);
    process.stdout.write(`Baseline seeded into "${databaseName(url)}" (${redactPasswords(url.toString())}):\n`);
    console.table(summary);
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`Error: ${error.message}\n`);
    } else {
      // The database's own message on one line; DEBUG=fixtures:seed shows the stack.
      debugSeed('%s', redactPasswords(String((error as Error).stack)));
      process.stderr.write(
        `Error: seeding the baseline failed: ${redactPasswords(String((error as Error).message ?? error))}\n` +
          'Hint: run npm run prisma:migrate:deploy first if the tables are missing.\n',
      );
    }
    process.exitCode = 1;
  },
);
