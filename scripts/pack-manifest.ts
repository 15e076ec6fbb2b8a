/**
 * `prepack` / `postpack`: the packed package.json carries no script but
 * `postpack` (which restores this one, and which npm runs only when packing).
 *
 * This repository's scripts are for its own development, and one of them,
 * `prepare` (which generates the Prisma Client after `npm ci` here), counts
 * as an install script to npm: npm 11 holds back install scripts of
 * dependencies and warns about each. A consumer's install must need none and
 * warn about none, so the manifest is packed without them and restored after.
 * (The same trick as `pinst`, for every script rather than `postinstall` alone.)
 *
 *   node scripts/pack-manifest.ts strip|restore
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MANIFEST = fileURLToPath(new URL('../package.json', import.meta.url));
const KEPT = `${MANIFEST}.unpacked`;

const action = process.argv[2];
if (action === 'strip') {
  if (!existsSync(KEPT)) renameSync(MANIFEST, KEPT); // a pack that died half-way left it: keep the original
  const { scripts, devDependencies: _devDependencies, ...manifest } = JSON.parse(readFileSync(KEPT, 'utf8'));
  // npm reads the manifest again after prepack: `postpack` must stay in it, or nothing would restore the original.
  const packed = { ...manifest, scripts: { postpack: scripts.postpack } };
  writeFileSync(MANIFEST, `${JSON.stringify(packed, null, 2)}\n`);
} else if (action === 'restore') {
  if (existsSync(KEPT)) renameSync(KEPT, MANIFEST);
} else {
  process.stderr.write('Usage: node scripts/pack-manifest.ts strip|restore\n');
  process.exitCode = 2;
}
