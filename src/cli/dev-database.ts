/**
 * `db:up` / `db:down`: a local development PostgreSQL with no Docker, from
 * the machine's own server binaries, kept under `.data/` across runs. `up`
 * starts it, creates `ctoprojects` and `ctoprojects_shadow`, points `.env` at
 * it when there is no `.env` yet, applies the migrations and seeds the
 * baseline, then prints the URL for psql and Prisma Studio.
 *
 * Both read `.env` first (FIXTURES_DEV_PORT, FIXTURES_DEV_DATA_DIR), so that a
 * server moved by `.env` is the one they start and stop.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { envFilePath, loadEnvFile } from '../config/env-file.ts';
import { startLocalPostgres } from '../harness/run/servers/local-postgres.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import { fixturesCommand } from './command-hint.ts';
import {
  DEV_SERVER_VARIABLES,
  devEnvValues,
  devServerValues,
  envLines,
  pointsElsewhere,
  variablesToChange,
  withEnvValues,
} from './dev-env-file.ts';
import {
  DEV_DATABASE,
  DEV_PASSWORD,
  DEV_SHADOW_DATABASE,
  type DevServerSettings,
  devConnectionStrings,
  devServerSettings,
  devServerUrl,
} from './dev-server.ts';
import { runPrisma } from './prisma.ts';
import { runSeedBaseline } from './seed-baseline.ts';

const ENV_EXAMPLE = '.env.example';
/** The head of a `.env` written where there is no `.env.example` to copy (a project that installed the package). */
const ENV_HEADER =
  '# Written by ctoprojects-fixtures db:up: its development PostgreSQL.\n' +
  '# Variables already set in your shell win over this file.\n';

async function run(command: string, step: Promise<number>): Promise<void> {
  const code = await step;
  if (code !== 0) throw new Error(`${command} failed (exit ${code}); its output is above.`);
}

/** The port a running cluster listens on (line 4 of postmaster.pid), which may not be the one asked for. */
function runningPort(dataDir: string): number | undefined {
  try {
    const port = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Points the env file at the server of `settings` when there is none yet; one
 * that exists is the developer's and stays as it is. Returns the notes to
 * print: what was written, or the exact lines to set.
 */
function settleEnvFile(settings: DevServerSettings): { notes: string[]; fileValues: Record<string, string> } {
  const file = envFilePath(process.env);
  const all = devServerValues(settings);
  const notes: string[] = [];
  let fileValues: Record<string, string> = {};
  if (file === undefined) {
    notes.push(`FIXTURES_ENV_FILE is none, so no env file was written. To use this server, set:\n${envLines(all)}`);
  } else if (!existsSync(file)) {
    const values = devEnvValues(settings);
    const example = existsSync(ENV_EXAMPLE);
    const text = withEnvValues(example ? readFileSync(ENV_EXAMPLE, 'utf8') : ENV_HEADER, values);
    writeFileSync(file, text);
    fileValues = parseEnv(text) as Record<string, string>;
    notes.push(
      `Wrote ${file}${example ? ` from ${ENV_EXAMPLE}` : ''} for this server: ${Object.keys(values).join(', ')}.`,
    );
  } else {
    fileValues = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
    const change = variablesToChange(fileValues, settings);
    if (change.length > 0) {
      notes.push(
        `${file} points elsewhere (${change.join(', ')}), so the other commands will not use this server; ${file} is left as it is. To use this server, set these lines in ${file}:\n${envLines(all, change)}`,
      );
    }
  }
  // The environment wins over any file: a variable exported elsewhere outvotes what was just written.
  const exported = DEV_SERVER_VARIABLES.filter((name) => {
    const value = process.env[name];
    return value !== undefined && value !== fileValues[name] && pointsElsewhere(name, value, settings);
  });
  if (exported.length > 0) {
    notes.push(
      `${exported.join(', ')} ${exported.length === 1 ? 'is' : 'are'} set in your environment to another value, which wins over ${file ?? 'any env file'}: unset ${exported.length === 1 ? 'it' : 'them'}, or set:\n${exported.map((name) => `export ${envLines(all, [name])}`).join('')}`,
    );
  }
  return { notes, fileValues };
}

/** `ctoprojects-fixtures db:up`. */
export async function databaseUp(): Promise<void> {
  loadEnvFile();
  const requested = devServerSettings(process.env);
  const server = await startLocalPostgres({ dataDir: requested.dataDir, port: requested.port, password: DEV_PASSWORD });
  // A cluster still running from an earlier db:up keeps the port it was started on.
  const settings = { ...requested, port: runningPort(server.dataDir) ?? requested.port };
  await withClient(devServerUrl(settings.port, 'postgres'), async (admin) => {
    for (const name of [DEV_DATABASE, DEV_SHADOW_DATABASE]) {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    }
  });

  const { notes, fileValues } = settleEnvFile(settings);
  // This process's environment is what the migration and the seed read: the server just started wins over .env.
  Object.assign(process.env, devConnectionStrings(settings.port));
  await run('prisma migrate deploy', runPrisma(['migrate', 'deploy']));
  await run('seed:baseline', runSeedBaseline([]));

  // db:down finds the server by its data directory: name it unless the env file does.
  const stop = !pointsElsewhere('FIXTURES_DEV_DATA_DIR', fileValues.FIXTURES_DEV_DATA_DIR, settings)
    ? fixturesCommand('db:down')
    : `FIXTURES_DEV_DATA_DIR=${settings.dataDir} ${fixturesCommand('db:down')}`;
  const moved =
    settings.port === requested.port
      ? ''
      : `It was already running on port ${settings.port}, not ${requested.port} (FIXTURES_DEV_PORT): to move it, run ${stop} and ${fixturesCommand('db:up')} again.\n`;
  process.stdout.write(
    `\nPostgreSQL ${server.version} is running on 127.0.0.1:${settings.port} (data in ${settings.dataDir}).\n` +
      moved +
      `  psql ${devServerUrl(settings.port)}\n` +
      notes.map((note) => `${note.trimEnd()}\n`).join('') +
      `Stop it with ${stop}; the data stays in ${settings.dataDir} until you delete it.\n`,
  );
}

/** `ctoprojects-fixtures db:down`. */
export async function databaseDown(): Promise<void> {
  loadEnvFile();
  const settings = devServerSettings(process.env);
  if (!existsSync(`${settings.dataDir}/postmaster.pid`)) {
    process.stdout.write(`The development database is not running (no server in ${settings.dataDir}).\n`);
    return;
  }
  // Starting a running cluster only attaches to it; stopping that handle stops the server.
  const server = await startLocalPostgres({ dataDir: settings.dataDir, port: settings.port, password: DEV_PASSWORD });
  await server.stop();
  process.stdout.write(`Stopped the development database; its data stays in ${settings.dataDir}.\n`);
}
