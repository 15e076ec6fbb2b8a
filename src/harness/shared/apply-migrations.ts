/**
 * Applies a data model's migrations to one database (or one schema of it,
 * with `?schema=`) through Prisma's own engine, in-process: the
 * `_prisma_migrations` it writes is exactly what `prisma migrate deploy`
 * writes, without spawning the CLI (about 2 s).
 */
import { readFile } from 'node:fs/promises';
import { redactPasswords } from '../../config/database-url.ts';
import { readMigrationsList } from './migrations-list.ts';

export interface TemplateSource {
  /** `prisma/migrations`. */
  readonly migrationsDir: string;
  /** `prisma/schema.prisma`. */
  readonly schemaPath: string;
}

/** A migration failed; the message names the migration, the target and PostgreSQL's error. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies every migration of `source` to `url` (`?schema=` becomes the
 * engine's `search_path`, so unqualified migration SQL lands in that schema).
 * `target` names what is migrated, for the error message. Resolves to the
 * names of the migrations it applied (none for a database already up to date).
 */
export async function applyMigrations(url: URL, source: TemplateSource, target: string): Promise<string[]> {
  // Loaded here, not with the module: a worker that only clones never pays for the engine (about 35 ms).
  const { openEngineSession } = await import('../../schema-engine/engine-session.ts');
  const session = await openEngineSession({ url }, [[source.schemaPath, await readFile(source.schemaPath, 'utf8')]]);
  try {
    const migrationsList = await readMigrationsList(source.migrationsDir);
    const { appliedMigrationNames } = await session.engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return appliedMigrationNames;
  } catch (error) {
    const { message } = session.explain(error) as Error;
    throw new MigrationError(`Applying ${source.migrationsDir} to ${target} failed: ${redactPasswords(message)}`);
  } finally {
    await session.close();
  }
}
