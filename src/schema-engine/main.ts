#!/usr/bin/env -S node --experimental-strip-types --disable-warning=ExperimentalWarning
/**
 * The offline schema engine: a drop-in for Prisma's native `schema-engine`
 * binary, run by the Prisma CLI through `PRISMA_SCHEMA_ENGINE_BINARY`.
 *
 *   main.ts --version
 *   main.ts [--datamodels FILE]… [--datasource JSON] cli <command>
 *   main.ts [--datamodels FILE]… [--datasource JSON]           (JSON-RPC on stdin/stdout)
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { redactPasswords, tryParseUrl } from '../config/database-url.ts';
import { CLI_COMMANDS, type CliCommand, EngineCliError, runCliCommand } from './cli-commands.ts';
import { type Datamodels, lazySessions } from './engine-session.ts';
import { type RpcServer, startRpcServer } from './rpc-server.ts';
import { dropTemporaryShadows } from './shadow-database.ts';
import { schemaEngineVersion, takeLastPanic } from './wasm-module.ts';

/** The request server, once started: a fault that escapes a request answers it through this. */
let server: RpcServer | undefined;

function logLine(level: 'INFO' | 'ERROR', fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, target: 'schema_engine::logger', fields })}\n`);
}

function parseDatasource(json: string | undefined): { url?: URL | undefined; shadowUrl?: URL | undefined } {
  if (json === undefined) return {};
  const datasource = JSON.parse(json) as { url?: string; shadowDatabaseUrl?: string };
  // Parsed quietly: Node's own error would carry the URL, password and all, in its `input`.
  const toUrl = (value: string | undefined, field: string) => {
    if (!value) return undefined;
    const url = tryParseUrl(value);
    if (url) return url;
    throw new Error(`The datasource's ${field} is not a valid URL ("${redactPasswords(value)}").`);
  };
  return { url: toUrl(datasource.url, 'url'), shadowUrl: toUrl(datasource.shadowDatabaseUrl, 'shadowDatabaseUrl') };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      version: { type: 'boolean', short: 'V' },
      datamodels: { type: 'string', multiple: true },
      datasource: { type: 'string' },
    },
  });

  if (values.version) {
    process.stdout.write(`schema-engine-wasm ${await schemaEngineVersion()}\n`);
    return 0;
  }

  const { url, shadowUrl } = parseDatasource(values.datasource as string | undefined);

  if (positionals[0] === 'cli') {
    // The CLI skips the first line of stderr, where the native engine announces itself; so do we.
    logLine('INFO', { message: `Starting schema engine CLI (schema-engine-wasm ${await schemaEngineVersion()})` });
    const command = positionals[1] as CliCommand;
    if (!CLI_COMMANDS.includes(command)) {
      logLine('ERROR', {
        message: `Unknown command \`${positionals[1]}\`; expected one of ${CLI_COMMANDS.join(', ')}.`,
      });
      return 1;
    }
    if (!url) {
      logLine('ERROR', {
        error_code: 'P1012',
        message: 'No datasource URL was given: set DATABASE_URL (or DIRECT_DATABASE_URL).',
      });
      return 1;
    }
    try {
      const out = await runCliCommand(command, url);
      if (out) process.stdout.write(`${out}\n`);
      return 0;
    } catch (error) {
      const { errorCode, message } =
        error instanceof EngineCliError ? error : new EngineCliError('P1000', String((error as Error).message));
      logLine('ERROR', { error_code: errorCode, message });
      return 1;
    }
  }

  const datamodels: Datamodels = await Promise.all(
    ((values.datamodels as string[] | undefined) ?? []).map(
      async (path): Promise<[string, string]> => [path, await readFile(path, 'utf8')],
    ),
  );
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const sessions = lazySessions(url && { url, shadowUrl }, datamodels, log);
  server = startRpcServer(sessions, process.stdin, (line) => process.stdout.write(`${line}\n`), log);
  await server.served;
  return 0;
}

/**
 * The wasm engine reports some faults by throwing from a callback, where no
 * request's promise sees them: a server it cannot reach is one. The request
 * that was open gets the fault as its answer, with the Prisma code its
 * message shows (P1001…), so that the CLI prints it and exits non-zero; then
 * the engine, whose state is no longer to be trusted, exits: 101 after a
 * Rust panic, as the native engine does, 1 otherwise.
 */
process.on('uncaughtException', (error) => {
  const panic = takeLastPanic();
  const message = redactPasswords(panic ?? error.message);
  const code = panic === undefined ? 1 : 101;
  const giveUp = setTimeout(() => process.exit(code), 5_000);
  const answered = server
    ? server.fail({ message }, { isPanic: panic !== undefined })
    : Promise.resolve(logLine('ERROR', { message: `Offline schema engine failed: ${message}` }));
  void answered
    .then(() => dropTemporaryShadows())
    .finally(() => {
      clearTimeout(giveUp);
      process.exit(code);
    });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void dropTemporaryShadows().finally(() => process.exit(130)));
}

// Exit explicitly: idle pool connections would otherwise keep the process up for their idle timeout.
process.exit(await main(process.argv.slice(2)));
