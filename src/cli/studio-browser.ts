/**
 * `prisma studio` opens a browser with xdg-open once it listens; on a machine
 * with no display (a server, a container, an SSH session) there is no
 * xdg-open, and the CLI dies of the unhandled `spawn xdg-open ENOENT`. There
 * we start it with `--browser none` and say which URL to open instead.
 */
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { freePort } from '../harness/run/servers/free-port.ts';

/** Where Studio listens when no --port is given, if that port is free (Prisma 7's choice). */
const STUDIO_DEFAULT_PORT = 51212;

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why no browser can open here, or `undefined` when one may. */
function noBrowserReason(env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform === 'darwin' || process.platform === 'win32') return undefined;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no display here (DISPLAY and WAYLAND_DISPLAY are unset)';
  if (!onPath('xdg-open', env)) return 'xdg-open is not on PATH';
  return undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The value of `--port`, `--port=N` or `-p N` in `args`. */
function portArgument(args: readonly string[]): string | undefined {
  for (const [index, arg] of args.entries()) {
    if (arg === '--port' || arg === '-p') return args[index + 1];
    if (arg.startsWith('--port=')) return arg.slice('--port='.length);
  }
  return undefined;
}

/**
 * `args` of `prisma studio`, with `--browser none` (and a port, to name the
 * URL) where no browser can open and none was asked for, and the line to
 * print. Anything the caller chose (`--browser`, `BROWSER`) stands.
 */
export async function studioArguments(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ args: readonly string[]; notice?: string }> {
  const chosen = args.some((arg) => arg === '--browser' || arg === '-b' || arg.startsWith('--browser=')) || env.BROWSER;
  const reason = chosen ? undefined : noBrowserReason(env);
  if (!reason) return { args };
  const given = portArgument(args);
  const port = given ?? String((await portIsFree(STUDIO_DEFAULT_PORT)) ? STUDIO_DEFAULT_PORT : await freePort());
  const url = `http://localhost:${port}`;
  return {
    args: [...args, ...(given ? [] : ['--port', port]), '--browser', 'none'],
    notice:
      `Prisma Studio: ${reason}, so no browser opens. Open ${url} yourself ` +
      `(from another machine, forward the port first: ssh -L ${port}:localhost:${port} <this host>).`,
  };
}
