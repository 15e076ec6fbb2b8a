/**
 * A TCP port on another address that forwards every connection to a server:
 * the same PostgreSQL under a host and port it does not listen on itself, as a
 * port forward, a proxy or a second interface would offer it.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpForwarder {
  /** The forwarder's own port, on the address it was opened on. */
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on `host` (a free port) and pipes each connection to `target`. */
export async function forwardTcp(host: string, target: { host: string; port: number }): Promise<TcpForwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming) => {
    const outgoing = createConnection(target);
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        incoming.destroy();
        outgoing.destroy();
      });
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`The forwarder on ${host} has no port.`);
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
