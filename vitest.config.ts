import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
    // The CLI tests run the real Prisma CLI, which takes a few seconds a command.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
