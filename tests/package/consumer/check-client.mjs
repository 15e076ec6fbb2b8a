// `@ctoprojects/fixtures/client` is for production code: importing it must load none of the test tooling.
// A resolve hook (module.register, in its own thread) writes every module resolved to RESOLVED_LOG.
import { mkdtempSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.RESOLVED_LOG = join(mkdtempSync(join(tmpdir(), 'resolved-')), 'modules.log');
register('./record-resolutions.mjs', import.meta.url);
const client = await import('@ctoprojects/fixtures/client');
if (typeof client.createPrismaClient !== 'function') throw new Error('createPrismaClient is not exported');

const TEST_TOOLING = [
  /@faker-js/,
  /\/fishery\//,
  /testcontainers/,
  /\/vitest\//,
  /\/@vitest\//,
  /\/dist\/harness\//,
  /\/dist\/factories\//,
];
const resolved = readFileSync(process.env.RESOLVED_LOG, 'utf8').split('\n').filter(Boolean);
const loaded = resolved.filter((url) => TEST_TOOLING.some((pattern) => pattern.test(url)));
if (!resolved.some((url) => url.includes('/@ctoprojects/fixtures/dist/client/'))) {
  throw new Error(`the hook saw no module of the package: ${resolved.length} resolved`);
}
if (loaded.length > 0) throw new Error(`@ctoprojects/fixtures/client loaded test tooling:\n${loaded.join('\n')}`);
console.log(`client entry: ${resolved.length} modules, no test tooling`);
