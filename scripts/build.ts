/**
 * `npm run build` (and `prepack`): what the package ships, in dist/.
 *
 * 1. The Prisma Client, generated from this package's schema into
 *    src/generated/, so that it is compiled with the rest: a consumer never
 *    runs `prisma generate`, and the package needs no install script.
 * 2. src/ compiled to ESM `.js`, `.d.ts`, declaration and source maps.
 * 3. The two executables (the command and the offline schema engine) get a
 *    plain `#!/usr/bin/env node` and their execute bit.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeCommand } from '../src/package-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXECUTABLES = ['dist/cli/main.js', 'dist/schema-engine/main.js'];

function step(what: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`Error: ${what} failed (exit ${result.status ?? result.signal}); its output is above.\n`);
    process.exit(1);
  }
}

rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
const [node, ...command] = nodeCommand('cli/main');
step('prisma generate', node as string, [...command, 'prisma', 'generate']);
const tsc = createRequire(import.meta.url)
  .resolve('typescript/package.json')
  .replace(/package\.json$/, 'bin/tsc');
step('tsc', process.execPath, [tsc, '-p', 'tsconfig.build.json']);
for (const file of EXECUTABLES) {
  const path = join(ROOT, file);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^#!.*\n/, '#!/usr/bin/env node\n'));
  chmodSync(path, 0o755);
}
process.stdout.write('Built dist/.\n');
