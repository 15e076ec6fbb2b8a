import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { RESOLVE_FROM_SOURCE } from './tests/support/source-condition.ts';

export default defineConfig({
  // The package's own name resolves to src/ here; a consumer gets dist/.
  ssr: RESOLVE_FROM_SOURCE,
  test: {
    include: ['tests/**/*.test.ts', 'examples/**/*.test.ts'],
    // Another project's files, which tests/package/consumer.test.ts runs from outside this repository.
    exclude: ['tests/package/consumer/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Vitest's default leaves a core idle (one worker on 2 cores). The files mostly wait on servers
    // and on the processes they start (the Prisma CLI, nested runs), so one worker per core: on the
    // 2-core CI machine a pass takes about 240 s instead of 410.
    maxWorkers: availableParallelism(),
    reporters: ['default', './tests/support/summary-reporter.ts'],
    // The CLI tests run the real Prisma CLI, which takes a few seconds a command.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
