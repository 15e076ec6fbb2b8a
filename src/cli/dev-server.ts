/**
 * Where `db:up`'s development server lives and how to reach it. Read when a
 * command runs, after `.env`, so that `.env` can move the server as it moves
 * everything else; variables already in the environment win, as always.
 */
import { resolve } from 'node:path';
import { ConfigurationError } from '../config/database-url.ts';

export const DEFAULT_DEV_PORT = 54329;
export const DEFAULT_DEV_DATA_DIR = '.data/postgres';
/** The development server's credentials, the same as docker-compose.yml's: nothing secret, so hints show them whole. */
export const DEV_USER = 'postgres';
export const DEV_PASSWORD = 'postgres';
export const DEV_DATABASE = 'ctoprojects';
export const DEV_SHADOW_DATABASE = 'ctoprojects_shadow';

export interface DevServerSettings {
  readonly port: number;
  /** Absolute. */
  readonly dataDir: string;
}

/** `FIXTURES_DEV_PORT` and `FIXTURES_DEV_DATA_DIR` from `env`, or their defaults. */
export function devServerSettings(env: NodeJS.ProcessEnv = process.env): DevServerSettings {
  const rawPort = env.FIXTURES_DEV_PORT?.trim() || String(DEFAULT_DEV_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 1 || port > 65_535) {
    throw new ConfigurationError(
      'FIXTURES_DEV_PORT',
      `FIXTURES_DEV_PORT is "${rawPort}": use a TCP port number (1-65535), or unset it for ${DEFAULT_DEV_PORT}.`,
    );
  }
  return { port, dataDir: resolve(env.FIXTURES_DEV_DATA_DIR?.trim() || DEFAULT_DEV_DATA_DIR) };
}

/** The URL of `database` on the development server at `port`, password included. */
export function devServerUrl(port: number, database: string = DEV_DATABASE): string {
  return `postgresql://${DEV_USER}:${DEV_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The three connection strings that point the data layer at the development server on `port`. */
export function devConnectionStrings(port: number): Record<string, string> {
  return {
    DATABASE_URL: devServerUrl(port),
    DIRECT_DATABASE_URL: devServerUrl(port),
    SHADOW_DATABASE_URL: devServerUrl(port, DEV_SHADOW_DATABASE),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether `url` points at the development server of `settings`: this machine, its port. */
export function isDevServer(url: URL, settings: DevServerSettings): boolean {
  return LOOPBACK.has(url.hostname) && Number(url.port || 5432) === settings.port;
}
