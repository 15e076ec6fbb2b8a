/**
 * `npm run api:update`: the public-API test alone, with `--update`, which
 * rewrites the reports under api/. It needs no database, so no global setup:
 * no server is started for it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { ...base.test, include: ['tests/package/public-api.test.ts'], globalSetup: [], reporters: ['default'] },
});
