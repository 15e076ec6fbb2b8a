import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Another process may take
 * it before we bind it; servers started on it fail loudly if so, and
 * {@link startOnFreePort} draws another.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether a server failed to start because its port was taken: PostgreSQL's words for it, from its log. */
export function portWasTaken(error: unknown): boolean {
  return /could not create any TCP\/IP sockets|Address already in use/.test(String((error as Error)?.message));
}

/** Draws before giving up: two at once are rare, three in a row are a machine out of ports. */
const ATTEMPTS = 3;

/**
 * Runs `start` on `port`, or on a free port, drawing another when the one
 * drawn was taken first (eight runs starting at once draw from the same
 * pool of ports); resolves to the port it started on. A port that was asked
 * for is tried once: it is the caller's.
 */
export async function startOnFreePort(start: (port: number) => Promise<void>, port?: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const drawn = port ?? (await freePort());
    try {
      await start(drawn);
      return drawn;
    } catch (error) {
      if (port !== undefined || attempt >= ATTEMPTS || !portWasTaken(error)) throw error;
    }
  }
}
