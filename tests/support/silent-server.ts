/**
 * A loopback TCP server that takes connections and then says nothing: the
 * PostgreSQL a stopped container, a proxy with nothing behind it or another
 * program on the port looks like to a client. `afterLogin` answers the
 * startup message as PostgreSQL would (authentication ok, ready for query)
 * and then never answers a statement.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface SilentServer {
  readonly port: number;
  /** How many connections it has taken so far. */
  readonly connections: () => number;
  /** A PostgreSQL URL on it, with `password`. */
  url(password: string): string;
  /** Closes it and every connection it took. */
  close(): Promise<void>;
}

/** AuthenticationOk (R, length 8, 0) then ReadyForQuery (Z, length 5, idle). */
const LOGGED_IN = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]);

export async function startSilentServer(options: { afterLogin?: boolean } = {}): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let taken = 0;
  const server: Server = createServer((socket) => {
    taken += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // The startup message is the client's first packet; answering it is all this server ever does.
    if (options.afterLogin) socket.once('data', () => socket.write(LOGGED_IN));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The silent server has no port.');
  return {
    port: address.port,
    connections: () => taken,
    url: (password) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${address.port}/postgres`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
