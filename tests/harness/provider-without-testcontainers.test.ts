/**
 * The testcontainers packages are optional peers: a project that did not
 * install them must hear nothing about Docker when the provider is chosen for
 * it, and one line naming what to install when it asks for testcontainers.
 * The run is a copy of the project whose node_modules lacks them, so that
 * resolving them fails for real.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';

/** Starts the run's server as the harness does, says which provider served, and stops it. */
const PROBE = `
import { startServer } from './src/harness/run/servers/provider.ts';
try {
  const server = await startServer();
  process.stdout.write(\`provider: \${server.provider}\\n\`);
  await server.stop();
} catch (error) {
  process.stderr.write(\`Error: \${error.message}\\n\`);
  process.exitCode = 1;
}
`;

describe('a project without the testcontainers packages', () => {
  let project: ScratchProject;
  const probe = (env: Record<string, string | undefined>) =>
    runNode([join(project.dir, 'probe.ts')], {
      cwd: project.dir,
      env: { TEST_DATABASE_URL: undefined, FIXTURES_PROVIDER: undefined, DEBUG: undefined, ...env },
    });

  beforeAll(async () => {
    project = await scratchProject({ withoutPackages: ['testcontainers', '@testcontainers/postgresql'] });
    await writeFile(join(project.dir, 'probe.ts'), PROBE);
  });

  afterAll(async () => {
    await project.remove();
  });

  it('has the provider chosen without a word about Docker or testcontainers', async () => {
    const result = await probe({});

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/^provider: (embedded|system)$/m);
    expect(result.output).not.toMatch(/docker|testcontainers/i);
  });

  it('asking for testcontainers, is told in one line which packages to install', async () => {
    const result = await probe({ FIXTURES_PROVIDER: 'testcontainers' });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Error: FIXTURES_PROVIDER is "testcontainers", but testcontainers and @testcontainers/postgresql are not installed: ' +
        'npm install --save-dev testcontainers @testcontainers/postgresql, or use FIXTURES_PROVIDER=embedded.\n',
    );
  });
});
