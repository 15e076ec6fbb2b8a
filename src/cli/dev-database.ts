/**
 * `npm run db:up` / `npm run db:down`: a local development PostgreSQL with no
 * Docker, from the machine's own server binaries, kept under `.data/` across
 * runs. `up` starts it, creates `ctoprojects` and `ctoprojects_shadow`,
 * writes `.env` when there is none, applies the migrations and seeds the
 * baseline, then prints the URL for psql and Prisma Studio.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redactPasswords } from '../config/database-url.ts';
import { startLocalPostgres } from '../harness/servers/local-postgres.ts';
import { runSeedBaseline } from '../seed/main.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import { runPrisma } from './prisma.ts';

const DATA_DIR = resolve(process.env.FIXTURES_DEV_DATA_DIR ?? join('.data', 'postgres'));
const PORT = Number(process.env.FIXTURES_DEV_PORT ?? 54329);
/** The development server's credentials, the same as docker-compose.yml's: nothing secret lives here. */
const PASSWORD = 'postgres';
const DATABASES = ['ctoprojects', 'ctoprojects_shadow'];

async function run(command: string, step: Promise<number>): Promise<void> {
  const code = await step;
  if (code !== 0) throw new Error(`${command} failed (exit ${code}); its output is above.`);
}

/** `ctoprojects-fixtures db:up`. */
export async function databaseUp(): Promise<void> {
  const server = await startLocalPostgres({ dataDir: DATA_DIR, port: PORT, password: PASSWORD });
  await withClient(server.url.toString(), async (admin) => {
    for (const name of DATABASES) {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    }
  });

  const url = (database: string) => `postgresql://postgres:${PASSWORD}@127.0.0.1:${PORT}/${database}`;
  if (!existsSync('.env')) {
    copyFileSync('.env.example', '.env');
    process.stdout.write('Wrote .env from .env.example.\n');
  }
  // This process's environment is what the migration and the seed read: the server just started wins over .env.
  Object.assign(process.env, {
    DATABASE_URL: url('ctoprojects'),
    DIRECT_DATABASE_URL: url('ctoprojects'),
    SHADOW_DATABASE_URL: url('ctoprojects_shadow'),
  });
  await run('prisma migrate deploy', runPrisma(['migrate', 'deploy']));
  await run('seed:baseline', runSeedBaseline([]));
  const configured = readFileSync('.env', 'utf8').includes(`:${PORT}/ctoprojects`);
  process.stdout.write(
    `\nPostgreSQL ${server.version} is running on 127.0.0.1:${PORT} (data in ${DATA_DIR}).\n` +
      `  psql ${url('ctoprojects')}\n` +
      (configured
        ? ''
        : `  .env points elsewhere: set DATABASE_URL=${redactPasswords(url('ctoprojects'))} to use this server.\n`) +
      'Stop it with npm run db:down; the data stays in .data/ until you delete it.\n',
  );
}

/** `ctoprojects-fixtures db:down`. */
export async function databaseDown(): Promise<void> {
  if (!existsSync(join(DATA_DIR, 'postmaster.pid'))) {
    process.stdout.write('The development database is not running.\n');
    return;
  }
  // Starting a running cluster only attaches to it; stopping that handle stops the server.
  const server = await startLocalPostgres({ dataDir: DATA_DIR, port: PORT, password: PASSWORD });
  await server.stop();
  process.stdout.write(`Stopped the development database; its data stays in ${DATA_DIR}.\n`);
}
