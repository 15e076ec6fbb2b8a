/**
 * Where the package's own files are. The same code runs from `src/` (this
 * repository, through type stripping) and from `dist/` (the installed
 * package); both sit one level below the package root, beside `prisma/`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SCHEMA_PATH = join(PACKAGE_ROOT, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'prisma', 'migrations');

/** True in this repository's own development loop: the modules are the `.ts` sources. */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The path of one of the package's modules, `cli/main` say, in whichever tree is running. */
export function packageModule(name: string): string {
  return RUNNING_FROM_SOURCE ? join(PACKAGE_ROOT, 'src', `${name}.ts`) : join(PACKAGE_ROOT, 'dist', `${name}.js`);
}

/** The Node.js flags the package's modules need: type stripping for the `.ts` sources (Node.js 22). */
export const NODE_FLAGS: readonly string[] = RUNNING_FROM_SOURCE
  ? ['--experimental-strip-types', '--disable-warning=ExperimentalWarning']
  : [];

/** The command line that runs one of the package's modules with this process's Node.js. */
export function nodeCommand(name: string): string[] {
  return [process.execPath, ...NODE_FLAGS, packageModule(name)];
}
