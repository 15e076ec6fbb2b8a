/**
 * Loaded into the Prisma CLI's process (`node --import`), which
 * `ctoprojects-fixtures prisma …` starts: a schema engine that dies on its
 * own fails the command.
 *
 * Prisma 7's CLI, started with PRISMA_HIDE_UPDATE_MESSAGE=1 as we start it,
 * prints nothing and exits 0 when its engine dies in the middle of a request
 * (killed, out of memory, crashed before it could answer): a failure that
 * reads as success. The offline engine answers every fault it can see
 * (src/schema-engine/main.ts); this covers the ones no process can see in
 * itself, SIGKILL first.
 *
 * An engine the CLI stops itself (it sends a signal once done) and the
 * one-shot `cli` commands (whose exit code is their answer) are not watched.
 */
import type { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { basename } from 'node:path';

/** How the engine ended, when it ended on its own and not well. */
let died: string | undefined;

function isRpcEngine(child: ChildProcess): boolean {
  const chosen = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  const file = child.spawnfile;
  const isEngine = chosen ? file === chosen : basename(file ?? '').startsWith('schema-engine');
  return isEngine && !child.spawnargs.includes('cli') && !child.spawnargs.includes('--version');
}

function watch(child: ChildProcess): void {
  let stoppedByCli = false;
  const kill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    stoppedByCli = true;
    return kill(signal);
  };
  // Registered as the child is spawned, so before the CLI's own listener, which may exit the process.
  child.once('exit', (code, signal) => {
    if (stoppedByCli || code === 0 || !isRpcEngine(child)) return;
    died = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
}

subscribe('child_process', (message) => watch((message as { process: ChildProcess }).process));

process.once('exit', (code) => {
  if (died === undefined || code !== 0) return;
  process.stderr.write(
    `Error: the schema engine ${died} before the command finished, so its work may be incomplete. ` +
      'Run the command again; to see what the engine did, run it with DEBUG="prisma:schemaEngine*".\n',
  );
  process.exitCode = 1;
});
