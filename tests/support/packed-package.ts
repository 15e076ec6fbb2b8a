/**
 * The package as `npm pack` makes it, from a copy of this checkout (its
 * tracked and untracked-but-not-ignored files), so that packing, which
 * rewrites package.json for a moment, never touches the working tree other
 * tests read. The copy runs the real `prepack` (the build) and `postpack`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './run-cli.ts';

const run = promisify(execFile);

export interface PackedPackage {
  /** The tarball's path. */
  readonly tarball: string;
  /** Every file it holds, as `npm pack --json` lists them (`dist/index.js`, …). */
  readonly files: readonly string[];
  /** Compressed and unpacked bytes. */
  readonly size: number;
  readonly unpackedSize: number;
  /** Whether the copy's package.json is, after packing, what it was before (postpack restored it). */
  readonly manifestRestored: boolean;
}

export async function packPackage(): Promise<PackedPackage> {
  const stage = await mkdtemp(join(tmpdir(), 'fixtures-pack-'));
  const { stdout: listed } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PROJECT_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const file of listed.split('\0').filter(Boolean)) {
    await mkdir(join(stage, dirname(file)), { recursive: true });
    await cp(join(PROJECT_ROOT, file), join(stage, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // deleted in the working tree, not yet in git
    });
  }
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(stage, 'node_modules'));
  const manifestBefore = await readFile(join(stage, 'package.json'), 'utf8');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', stage], {
    cwd: stage,
    maxBuffer: 16 * 1024 * 1024,
  });
  // prepack's own output comes first on stdout; the JSON report is the last thing npm prints.
  const [report] = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[\n') + 1)) as [
    { filename: string; size: number; unpackedSize: number; files: { path: string }[] },
  ];
  return {
    tarball: join(stage, report.filename),
    files: report.files.map((file) => file.path),
    size: report.size,
    unpackedSize: report.unpackedSize,
    manifestRestored:
      (await readFile(join(stage, 'package.json'), 'utf8')) === manifestBefore &&
      !existsSync(join(stage, 'package.json.unpacked')),
  };
}
