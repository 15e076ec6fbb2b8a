/**
 * A throwaway copy of the project's Prisma files and sources in a temporary
 * directory, for commands that write (a new migration, a formatted schema, a
 * generated client) without touching the real ones. Its own `src/cli/main.ts`
 * works on its own `prisma/`, as the package's command works on the package's.
 */
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './run-cli.ts';

export interface ScratchProject {
  readonly dir: string;
  readonly schemaPath: string;
  readonly migrationsDir: string;
  readSchema(): Promise<string>;
  writeSchema(text: string): Promise<void>;
  remove(): Promise<void>;
}

export async function scratchProject(): Promise<ScratchProject> {
  const dir = await mkdtemp(join(tmpdir(), 'fixtures-project-'));
  await cp(join(PROJECT_ROOT, 'prisma'), join(dir, 'prisma'), { recursive: true });
  const generated = join(PROJECT_ROOT, 'src', 'generated');
  await cp(join(PROJECT_ROOT, 'src'), join(dir, 'src'), { recursive: true, filter: (path) => path !== generated });
  await cp(join(PROJECT_ROOT, 'prisma.config.ts'), join(dir, 'prisma.config.ts'));
  await cp(join(PROJECT_ROOT, 'package.json'), join(dir, 'package.json'));
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const schemaPath = join(dir, 'prisma', 'schema.prisma');
  return {
    dir,
    schemaPath,
    migrationsDir: join(dir, 'prisma', 'migrations'),
    readSchema: () => readFile(schemaPath, 'utf8'),
    writeSchema: (text) => writeFile(schemaPath, text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
