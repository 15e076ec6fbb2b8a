/**
 * Every host a connection string can make a client dial, for guards that must
 * know where a command is about to write (the seed refuses a remote server).
 *
 * The first host is the one `pg` dials (the seed, the harness and the offline
 * engine all connect through `pg`), read by `pg`'s own parser,
 * pg-connection-string: `?host=` wins over the URL's host, no host at all
 * falls back to PGHOST and then to `localhost`, and a host that starts with
 * `/` is a unix socket's directory. The others are what libpq (psql, Prisma's
 * native engine) would dial from the same string and environment: each host of
 * a comma-separated list, the URL's own host under a `?host=`, `?hostaddr=`
 * (the address libpq connects to; the host only names it) and PGHOSTADDR. A
 * guard that accepts a URL only when every one of them is this machine cannot
 * be talked past by a spelling one client reads differently from another.
 */
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { withoutPrismaParameters } from './database-url.ts';

/** The part of pg-connection-string's result we read. */
type ParseConnectionString = (text: string) => { readonly host?: string | null };

// pg's own copy, resolved from pg: the parser of the pg version installed, and no dependency of ours to drift.
const requireFromPg = createRequire(createRequire(import.meta.url).resolve('pg'));
const { parse } = requireFromPg('pg-connection-string') as { parse: ParseConnectionString };

/** A host a connection could use, and where the connection string (or environment) names it. */
export interface ConnectionHost {
  /** A host name, an IP address (no brackets), or a unix socket's directory. */
  readonly host: string;
  /** Where it comes from, for messages: {@link URL_HOST}, `?host=`, `?hostaddr=`, `PGHOST`, `PGHOSTADDR`. */
  readonly from: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The `from` of a host written where a URL's host goes. */
export const URL_HOST = "the URL's host";

/**
 * The hosts `url` can reach, the one `pg` dials first.
 *
 * @example
 * connectionHosts(new URL('postgresql://app@localhost/x?host=db.example'));
 * // [{ host: 'db.example', from: '?host=' }, { host: 'localhost', from: URL_HOST }]
 */
export function connectionHosts(url: URL, env: Env = process.env): ConnectionHost[] {
  const hosts: ConnectionHost[] = [];
  const add = (value: string | null | undefined, from: string) => {
    for (const part of (value ?? '').split(',')) {
      const host = hostOf(part.trim());
      if (host !== '' && !hosts.some((seen) => seen.host === host)) hosts.push({ host, from });
    }
  };

  const urlHost = decodeURIComponent(url.hostname);
  const hostParameters = url.searchParams.getAll('host').filter((host) => host.trim() !== '');
  const pgHost = parse(withoutPrismaParameters(url).toString()).host;
  if (pgHost) add(pgHost, hostParameters.length > 0 ? '?host=' : URL_HOST);
  else add(env.PGHOST || 'localhost', env.PGHOST ? 'PGHOST' : "pg's default, localhost");

  add(urlHost, URL_HOST);
  for (const host of hostParameters) add(host, '?host=');
  if (urlHost === '' && hostParameters.length === 0) add(env.PGHOST, 'PGHOST');
  const hostaddrs = url.searchParams.getAll('hostaddr').filter((host) => host.trim() !== '');
  for (const host of hostaddrs) add(host, '?hostaddr=');
  if (hostaddrs.length === 0) add(env.PGHOSTADDR, 'PGHOSTADDR');
  return hosts;
}

/** `host[:port]` or `[ipv6][:port]` as a host alone; a socket directory as it is. */
function hostOf(spec: string): string {
  if (spec.startsWith('/') || spec.startsWith('@')) return spec;
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(spec);
  if (bracketed) return bracketed[1] ?? '';
  // One colon is a port; more are an IPv6 address written without brackets (as ?host= allows).
  return spec.split(':').length === 2 ? (spec.split(':')[0] ?? '') : spec;
}

/** This machine: `localhost`, 127.0.0.0/8, ::1 (or ::ffff:127.x.y.z), or a unix socket. */
export function isThisMachine(host: string): boolean {
  if (host.startsWith('/') || host.startsWith('@')) return true; // a socket directory, or Linux's abstract namespace
  if (host.toLowerCase() === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (!isIPv6(host)) return false;
  // The canonical spelling, so that 0:0:0:0:0:0:0:1 and ::ffff:127.0.0.1 are recognised too.
  const canonical = new URL(`http://[${host}]`).hostname;
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/**
 * The hosts of {@link connectionHosts} that are not this machine: empty when
 * every host the URL could reach is local.
 */
export function remoteHosts(url: URL, env: Env = process.env): ConnectionHost[] {
  return connectionHosts(url, env).filter(({ host }) => !isThisMachine(host));
}
