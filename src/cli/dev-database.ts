/**
 * `npm run db:up` / `npm run db:down`: a local development PostgreSQL with no
 * Docker, from the machine's own server binaries, kept under `.data/` across
 * runs. `up` starts it, creates `ctoprojects` and `ctoprojects_shadow`,
 * writes `.env` when there is none, applies the migrations and seeds the
 * baseline, then prints the URL for psql and Prisma Studio.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redactPasswords } from '../config/database-url.ts';
import { startLocalPostgres } from '../harness/servers/local-postgres.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';

const DATA_DIR = resolve(process.env.FIXTURES_DEV_DATA_DIR ?? join('.data', 'postgres'));
const PORT = Number(process.env.FIXTURES_DEV_PORT ?? 54329);
/** The development server's credentials, the same as docker-compose.yml's: nothing secret lives here. */
const PASSWORD = 'postgres';
const DATABASES = ['ctoprojects', 'ctoprojects_shadow'];

function run(script: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`npm run ${script} failed (exit ${result.status}); its output is above.`);
}

async function up(): Promise<void> {
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
  const env = {
    ...process.env,
    DATABASE_URL: url('ctoprojects'),
    DIRECT_DATABASE_URL: url('ctoprojects'),
    SHADOW_DATABASE_URL: url('ctoprojects_shadow'),
  };
  run('prisma:migrate:deploy', env);
  run('db:seed', env);
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

async function down(): Promise<void> {
  if (!existsSync(join(DATA_DIR, 'postmaster.pid'))) {
    process.stdout.write('The development database is not running.\n');
    return;
  }
  // Starting a running cluster only attaches to it; stopping that handle stops the server.
  const server = await startLocalPostgres({ dataDir: DATA_DIR, port: PORT, password: PASSWORD });
  await server.stop();
  process.stdout.write(`Stopped the development database; its data stays in ${DATA_DIR}.\n`);
}

const command = process.argv[2];
const task = command === 'up' ? up : command === 'down' ? down : undefined;
if (!task) {
  process.stderr.write('Usage: node src/cli/dev-database.ts up|down (npm run db:up / npm run db:down)\n');
  process.exitCode = 2;
} else {
  task().catch((error: unknown) => {
    process.stderr.write(`Error: ${redactPasswords((error as Error).message)}\n`);
    process.exitCode = 1;
  });
}
