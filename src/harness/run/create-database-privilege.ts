/**
 * Whether the run's role may create databases. The template build finds out
 * by trying (CREATE DATABASE fails with SQLSTATE 42501), but a template
 * another role built earlier is reused without any CREATE: every clone then
 * failed with PostgreSQL's bare `permission denied to create database`,
 * without the advice the build path gives. Asking the catalog once per run
 * gives every path the same refusal.
 */
import { withClient } from '../../sql/with-client.ts';

/** PostgreSQL's refusal, worded as the server words it, when the role of `adminUrl` may not create databases. */
export async function createDatabaseRefusal(adminUrl: URL): Promise<string | undefined> {
  const { rows } = await withClient(adminUrl.toString(), (client) =>
    client.query<{ role: string; allowed: boolean }>(
      'SELECT rolname AS role, rolcreatedb OR rolsuper AS allowed FROM pg_roles WHERE rolname = current_user',
    ),
  );
  const [row] = rows;
  if (!row || row.allowed) return undefined;
  return `permission denied to create database: the role "${row.role}" has neither CREATEDB nor SUPERUSER`;
}
