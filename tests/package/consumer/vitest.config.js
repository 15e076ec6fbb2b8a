import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Once per run: a throwaway PostgreSQL and the migrated template every test file clones.
    globalSetup: ['@ctoprojects/fixtures/vitest/global-setup'],
  },
});
