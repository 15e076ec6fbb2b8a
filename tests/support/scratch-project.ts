/**
 * A throwaway copy of the project's Prisma files and sources in a temporary
 * directory, for commands that write (a new migration, a formatted schema, a
 * generated client) without touching the real ones. Its own `src/cli/main.ts`
 * works on its own `prisma/`, as the package's command works on the package's.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
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

export interface ScratchProjectOptions {
  /** Packages the copy's node_modules leaves out, so that they do not resolve there, as where nobody installed them. */
  readonly withoutPackages?: readonly string[];
}

/** `node_modules` as a directory of links to the project's packages, but those of `without`. */
async function linkPackages(into: string, without: readonly string[], from = join(PROJECT_ROOT, 'node_modules')) {
  await mkdir(into);
  for (const name of await readdir(from)) {
    const excluded = without.filter((left) => left === name || left.startsWith(`${name}/`));
    if (excluded.some((left) => left === name)) continue;
    if (excluded.length > 0) {
      const scope = excluded.map((left) => left.slice(name.length + 1));
      await linkPackages(join(into, name), scope, join(from, name));
    } else {
      await symlink(join(from, name), join(into, name));
    }
  }
}

export async function scratchProject(options: ScratchProjectOptions = {}): Promise<ScratchProject> {
  const dir = await mkdtemp(join(tmpdir(), 'fixtures-project-'));
  await cp(join(PROJECT_ROOT, 'prisma'), join(dir, 'prisma'), { recursive: true });
  const generated = join(PROJECT_ROOT, 'src', 'generated');
  await cp(join(PROJECT_ROOT, 'src'), join(dir, 'src'), { recursive: true, filter: (path) => path !== generated });
  await cp(join(PROJECT_ROOT, 'prisma.config.ts'), join(dir, 'prisma.config.ts'));
  await cp(join(PROJECT_ROOT, 'package.json'), join(dir, 'package.json'));
  if (options.withoutPackages) await linkPackages(join(dir, 'node_modules'), options.withoutPackages);
  else await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
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
