/**
 * `npm run db:seed` (`prisma db seed`): the baseline into the database of
 * DIRECT_DATABASE_URL, else DATABASE_URL. Refuses a server that is not on
 * this machine unless FIXTURES_SEED_ALLOW_REMOTE=1, so nobody seeds
 * production by accident.
 */
import { createPrismaClient } from '../client/create-prisma-client.ts';
import { DatabaseUrlError, databaseName, migrationDatabaseUrl, redactPasswords } from '../config/database-url.ts';
import { loadEnvFile } from '../config/env-file.ts';
import { seedBaseline } from './baseline.ts';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '']);

async function main(): Promise<number> {
  loadEnvFile();
  const target = migrationDatabaseUrl(process.env);
  if (!target) {
    process.stderr.write(
      'Error: db:seed needs a database, but neither DIRECT_DATABASE_URL nor DATABASE_URL is set: export one or add it to .env (cp .env.example .env).\n',
    );
    return 1;
  }
  const { variable, url } = target;
  if (
    !LOCAL_HOSTS.has(url.hostname) &&
    !url.hostname.startsWith('127.') &&
    process.env.FIXTURES_SEED_ALLOW_REMOTE !== '1'
  ) {
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
    const message =
      error instanceof DatabaseUrlError ? error.message : redactPasswords(String((error as Error).stack ?? error));
    process.stderr.write(
      `Error: seeding the baseline failed: ${message}\nHint: run npm run prisma:migrate:deploy first if the tables are missing.\n`,
    );
    process.exitCode = 1;
  },
);
