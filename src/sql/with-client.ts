import pg from 'pg';
import { timeoutSettings } from './timeouts.ts';

/**
 * Runs `work` on a connection of its own, closed afterwards whatever happens.
 * The connection gives up on a server that does not answer (see timeouts.ts)
 * unless `config` sets its own limits.
 */
export async function withClient<T>(
  config: string | pg.ClientConfig,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const settings = typeof config === 'string' ? { connectionString: config } : config;
  const client = new pg.Client({ ...timeoutSettings(), ...settings });
  await client.connect();
  try {
    return await work(client);
  } finally {
    // After a statement timed out, end() drops the socket rather than wait on a server that stopped answering.
    await client.end();
  }
}
