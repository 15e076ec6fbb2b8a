/**
 * `ctoprojects-fixtures` itself: the help, and a command it does not have.
 * Each command's own behaviour is tested beside it (prisma-commands, seed, dev-database).
 */
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runNode } from '../support/run-cli.ts';

const command = (args: string[]) => runNode([`${PROJECT_ROOT}src/cli/main.ts`, ...args]);

describe('ctoprojects-fixtures', () => {
  it.each([[[]], [['--help']], [['help']]])('%j prints the commands and exits 0', async (args) => {
    const result = await command(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: ctoprojects-fixtures <command>/);
    for (const name of ['prisma <args>', 'seed:baseline', 'db:up', 'db:down']) expect(result.stdout).toContain(name);
  });

  it('refuses a command it does not have, naming it, with the usage, and exits 2', async () => {
    const result = await command(['seed']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: ctoprojects-fixtures has no command "seed"\.\n\nUsage:/);
    expect(result.stdout).toBe('');
  });
});
