/**
 * FIXTURES_HARNESS carries the run's superuser URL from the global setup to
 * the workers. A malformed one stops a worker with one error naming the
 * variable, and the password appears nowhere in what the process prints.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runNode } from '../support/run-cli.ts';

/** A worker's first call: withDatabase reads FIXTURES_HARNESS. */
const WORKER = `
  import { withDatabase } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'index.ts'))};
  await withDatabase(async () => 1);
`;

const setup = (adminUrl: string) =>
  JSON.stringify({
    provider: 'external',
    adminUrl,
    template: 'fixtures_tpl_x',
    source: { migrationsDir: '/x', schemaPath: '/y' },
  });

describe('a malformed FIXTURES_HARNESS', () => {
  it.each([
    ['an adminUrl that is not a URL', (secret: string) => setup(`postgresql://postgres:${secret}@[::1/postgres`)],
    [
      'JSON cut short after the password',
      (secret: string) => {
        const whole = setup(`postgresql://postgres:${secret}@h/db`);
        return whole.slice(0, whole.indexOf('@h/db') + 3);
      },
    ],
  ])('with %s fails naming the variable, and prints no password', async (_case, value) => {
    const secret = `S3cr3t-${randomBytes(9).toString('base64url')}`;
    const variable = value(secret);
    expect(variable).toContain(secret);

    const result = await runNode(['--input-type=module', '-e', WORKER], { env: { FIXTURES_HARNESS: variable } });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /ConfigurationError: FIXTURES_HARNESS (holds an adminUrl that is not a URL|is not the JSON)/,
    );
    expect(result.output).not.toContain(secret);
    expect(result.output).not.toContain('S3cr3t');
  });
});
