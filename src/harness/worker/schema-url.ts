/**
 * The URL of a schema handed out by `schema` isolation: the admin URL's
 * database, with
 * - `schema=<name>`, so that `createPrismaClient({ url })` (and Prisma's
 *   query compiler) qualify every model query with it;
 * - `options=-c search_path=<name>`, so that raw SQL, `pg` clients on the
 *   same URL and the transaction sandbox find its tables unqualified, as
 *   Prisma's migrations and `truncate.ts` (`current_schema()`) expect;
 * - `application_name=<name>`: the only thing that ties a connection to a
 *   schema in `pg_stat_activity`, so that connections left open on it can be
 *   found when it is dropped.
 */
import { withoutPrismaParameters } from '../../config/database-url.ts';

/** `adminUrl`, pointed at `schema`. Schema names are the harness's own (`[a-z0-9_]`), so need no quoting. */
export function schemaUrl(adminUrl: URL, schema: string): URL {
  const url = new URL(adminUrl);
  url.searchParams.set('schema', schema);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  return spacesAsPercent20(url);
}

/** URLSearchParams writes a space as `+`, which libpq (psql) reads literally; `%20` means a space to both. */
function spacesAsPercent20(url: URL): URL {
  url.search = url.search.replaceAll('+', '%20');
  return url;
}

/** A URL `psql` accepts (it refuses Prisma's parameters), for the "kept" notice. */
export function psqlUrl(url: string): string {
  return spacesAsPercent20(withoutPrismaParameters(new URL(url))).toString();
}
