/**
 * How long the harness waits on a PostgreSQL server before it gives up and
 * says so. Without a limit, a server that accepts the connection and never
 * answers (a stopped container behind a live port, a proxy with nothing
 * behind it, the wrong program on the port) hung a run forever, silently:
 * Vitest does not time out a global setup, and pg waits as long as the
 * socket is open.
 */
import type pg from 'pg';
import { envMilliseconds } from '../config/env-options.ts';

export const CONNECT_TIMEOUT_VARIABLE = 'FIXTURES_CONNECT_TIMEOUT_MS';
export const ADMIN_TIMEOUT_VARIABLE = 'FIXTURES_ADMIN_TIMEOUT_MS';

/** pg's own default is to wait forever; 10 s is what Prisma's engine allows for a connection too. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * The harness's own statements (CREATE DATABASE … TEMPLATE, DROP, the
 * template's advisory lock while another process builds it) take
 * milliseconds to seconds; a minute means the server stopped answering.
 */
const ADMIN_TIMEOUT_MS = 60_000;

/** Milliseconds to wait for a connection to be ready: FIXTURES_CONNECT_TIMEOUT_MS, 10 s by default. */
export function connectTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return envMilliseconds(env, CONNECT_TIMEOUT_VARIABLE, CONNECT_TIMEOUT_MS);
}

/** Milliseconds to wait for the reply to one of the harness's statements: FIXTURES_ADMIN_TIMEOUT_MS, 60 s by default. */
export function adminTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return envMilliseconds(env, ADMIN_TIMEOUT_VARIABLE, ADMIN_TIMEOUT_MS);
}

/** Both limits, as pg settings; `pg.Pool` hands them to each client it opens. */
export function timeoutSettings(env: NodeJS.ProcessEnv = process.env): pg.ClientConfig {
  return { connectionTimeoutMillis: connectTimeoutMs(env), query_timeout: adminTimeoutMs(env) };
}

/** Settings for an admin connection (or pool) of the harness on `url`. */
export function adminConnection(url: URL | string): pg.PoolConfig {
  return { connectionString: url.toString(), ...timeoutSettings() };
}
