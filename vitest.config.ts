import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/** The package's own name resolves to src/ here (package.json "exports"); a consumer gets dist/. */
const SOURCE_CONDITION = 'ctoprojects-fixtures-source';

export default defineConfig({
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  test: {
    include: ['tests/**/*.test.ts', 'examples/**/*.test.ts'],
    // Another project's files, which tests/package/consumer.test.ts runs from outside this repository.
    exclude: ['tests/package/consumer/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
    // The CLI tests run the real Prisma CLI, which takes a few seconds a command.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
