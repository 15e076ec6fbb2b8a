/**
 * A copy of the package's data model whose template no other test shares (its
 * schema.prisma carries a comment of its own, so its hash differs): for tests
 * that plant look-alikes of its template, hold a connection on it, or break
 * its migrations, without touching the template the rest of the run clones.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TemplateSource } from '../../src/harness/shared/apply-migrations.ts';
import { PROJECT_ROOT } from './run-cli.ts';

export interface OwnDataModel {
  readonly source: TemplateSource;
  /** The copy's prisma/ directory. */
  readonly dir: string;
  remove(): Promise<void>;
}

/** `brokenMigration`: SQL of one more migration, applied after the real ones (to make one fail). */
export async function ownDataModel(brokenMigration?: string): Promise<OwnDataModel> {
  const dir = await mkdtemp(join(tmpdir(), 'fixtures-data-model-'));
  await cp(join(PROJECT_ROOT, 'prisma'), dir, { recursive: true });
  await writeFile(join(dir, 'schema.prisma'), `// ${randomBytes(6).toString('hex')}\n`, { flag: 'a' });
  if (brokenMigration !== undefined) {
    await mkdir(join(dir, 'migrations', '29991231000000_broken'));
    await writeFile(join(dir, 'migrations', '29991231000000_broken', 'migration.sql'), brokenMigration);
  }
  return {
    source: { migrationsDir: join(dir, 'migrations'), schemaPath: join(dir, 'schema.prisma') },
    dir,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
