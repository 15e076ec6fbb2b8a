#!/usr/bin/env -S node --experimental-strip-types --disable-warning=ExperimentalWarning
/**
 * `ctoprojects-fixtures`: the package's command, and the code behind every
 * npm script of this repository (`npm run prisma:*`, `db:*`, `seed:baseline`).
 *
 * Only the Node.js check is imported statically: a command loads what it
 * runs, so `--help` and an old Node.js answer at once.
 */
import { nodeVersionProblem } from '../node-version.ts';

const USAGE = `Usage: ctoprojects-fixtures <command> [arguments]

Commands:
  prisma <args>        The Prisma CLI on this package's schema and migrations, offline
                       engine included: prisma migrate deploy, prisma migrate status,
                       prisma studio, prisma db seed, … (ctoprojects-fixtures prisma --help)
  seed:baseline        Seed the idempotent baseline into DIRECT_DATABASE_URL, else
                       DATABASE_URL (refuses a remote host without --allow-remote)
  db:up                Start a local development PostgreSQL (port FIXTURES_DEV_PORT,
                       54329 by default), migrate it, seed the baseline, and write
                       .env for it if there is none
  db:down              Stop it; its data stays
  help, --help         This text

Settings come from the environment and .env: see the README of @ctoprojects/fixtures.
`;

type Command = (args: readonly string[]) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  prisma: async (args) => (await import('./prisma.ts')).runPrisma(args),
  'seed:baseline': async (args) => (await import('./seed-baseline.ts')).runSeedBaseline(args),
  'db:up': async () => {
    await (await import('./dev-database.ts')).databaseUp();
    return 0;
  },
  'db:down': async () => {
    await (await import('./dev-database.ts')).databaseDown();
    return 0;
  },
};

/** Runs one command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Error: ctoprojects-fixtures has no command "${name}".\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args);
  } catch (error) {
    const { redactPasswords } = await import('../config/database-url.ts');
    process.stderr.write(`Error: ${redactPasswords((error as Error).message ?? String(error))}\n`);
    return 1;
  }
}

const problem = nodeVersionProblem();
if (problem) {
  process.stderr.write(`Error: ${problem}\n`);
  process.exitCode = 1;
} else {
  process.exitCode = await main(process.argv.slice(2));
}
