/**
 * One routine hides every spelling of a password that PostgreSQL and libpq
 * accept, each case with a password of its own, drawn at random.
 */
import { randomBytes } from 'node:crypto';
import { glob, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactPasswords } from '@ctoprojects/fixtures';
import debug from 'debug';
import { describe, expect, it } from 'vitest';
import createDebug from '../../src/text/debug.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';

/** A fresh password: letters, digits, `-` and `_`, plus `extra` somewhere in the middle. */
const password = (extra = '') => {
  const random = randomBytes(9).toString('base64url');
  return `${random.slice(0, 6)}${extra}${random.slice(6)}`;
};

/** [spelling, the text with PW in place of the password, what it must become]. */
const SPELLINGS: Array<[spelling: string, template: string, expected: string, extra?: string]> = [
  ['a URL', 'postgresql://app:PW@db:5432/x', 'postgresql://app:***@db:5432/x'],
  ['a URL with no user', 'connect to postgresql://:PW@db/x now', 'connect to postgresql://:***@db/x now'],
  ['a URL whose password has a raw @', 'postgresql://app:PW@db/x', 'postgresql://app:***@db/x', '@'],
  ['a URL whose password has a raw / (base64)', 'postgresql://app:PW@db/x', 'postgresql://app:***@db/x', '/+='],
  ["a URL whose password has a raw '", "psql 'postgresql://app:PW@db/x'", "psql 'postgresql://app:***@db/x'", "'"],
  ['a percent-encoded password', 'postgresql://app:PW@db/x', 'postgresql://app:***@db/x', '%40%2F%3A'],
  ['a URL missing its colon', 'postgres//app:PW@db/x', 'postgres//app:***@db/x'],
  ['a URL in backquotes', 'at `postgresql://app:PW@db/x`.', 'at `postgresql://app:***@db/x`.'],
  ['user:password@host with no scheme', 'as app:PW@db', 'as app:***@db'],
  ['?password=', 'postgresql://db/x?password=PW', 'postgresql://db/x?password=***'],
  [
    '&password= before another parameter',
    'postgresql://db/x?user=a&password=PW&ssl=1',
    'postgresql://db/x?user=a&password=***&ssl=1',
  ],
  [
    'a URL percent-encoded inside another',
    `https://x/?to=${encodeURIComponent('postgresql://app:PW@db/x')}&b=1`,
    `https://x/?to=${encodeURIComponent('postgresql://app:')}***%40db%2Fx&b=1`,
  ],
  [
    '?password= percent-encoded inside another URL',
    `https://x/?to=${encodeURIComponent('postgresql://db/x?password=PW')}&b=1`,
    `https://x/?to=${encodeURIComponent('postgresql://db/x?password=')}***&b=1`,
  ],
  ['key=value', 'host=db password=PW dbname=x', 'host=db password=*** dbname=x'],
  ['key = value', 'host=db password = PW dbname=x', 'host=db password = *** dbname=x'],
  ['a quoted value with a space', "host=db password='se cret PW' dbname=x", 'host=db password=*** dbname=x'],
  ['a quoted value with a doubled quote', "host=db password='it''s PW' dbname=x", 'host=db password=*** dbname=x'],
  ['a quoted value with a backslash escape', "host=db password='it\\'s PW' dbname=x", 'host=db password=*** dbname=x'],
  ['a quoted value that never closes', "host=db password='it is PW", 'host=db password=***'],
  ['PGPASSWORD=', 'PGPASSWORD=PW psql', 'PGPASSWORD=*** psql'],
  ['--password=', 'tool --password=PW --host db', 'tool --password=*** --host db'],
  ['JSON', '{"user":"app","password":"PW"}', '{"user":"app","password":"***"}'],
  ['ALTER ROLE … PASSWORD', "ALTER ROLE app PASSWORD 'PW'", "ALTER ROLE app PASSWORD '***'"],
  [
    'CREATE ROLE … ENCRYPTED PASSWORD with a doubled quote',
    "CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'a''b PW' VALID UNTIL 'infinity'",
    "CREATE ROLE app LOGIN ENCRYPTED PASSWORD '***' VALID UNTIL 'infinity'",
  ],
  ["ALTER USER … PASSWORD E'…'", "alter user app password E'\\'PW'", "alter user app password '***'"],
  ['PASSWORD $$…$$', 'ALTER ROLE app PASSWORD $$PW$$;', "ALTER ROLE app PASSWORD '***';"],
  ['PASSWORD $tag$…$tag$', 'ALTER ROLE app PASSWORD $pw$PW$pw$;', "ALTER ROLE app PASSWORD '***';"],
  ['PASSWORD cut off mid-literal', "ALTER ROLE app PASSWORD 'PW", "ALTER ROLE app PASSWORD '***'"],
  [
    'a conninfo inside SQL (dblink)',
    "SELECT dblink_connect('host=db password=PW')",
    "SELECT dblink_connect('host=db password=***",
  ],
  [
    "SQL password='…'",
    "SELECT set_config('x', 'y', false) WHERE password='PW'",
    "SELECT set_config('x', 'y', false) WHERE password=***",
  ],
];

describe('redactPasswords', () => {
  it.each(SPELLINGS)(
    'hides the password in %s',
    (_spelling: string, template: string, expected: string, extra?: string) => {
      const secret = password(extra);
      const text = template.replace('PW', template.includes('%3A%2F%2F') ? encodeURIComponent(secret) : secret);

      const redacted = redactPasswords(text);

      expect(redacted).not.toContain(secret);
      expect(redacted).not.toContain(encodeURIComponent(secret));
      expect(redacted).toBe(expected);
    },
  );

  it.each([
    'no URL here: 10:30 at the office',
    'postgresql://db.example:5432/x?sslmode=require',
    'password_encryption = scram-sha-256',
    "SELECT 42 AS answer, 'left open' AS why",
  ])('leaves text without a password as it is: %s', (text) => {
    expect(redactPasswords(text)).toBe(text);
  });

  it('hides a URL password cut off before its @ in a text known to be cut off', () => {
    const secret = password();

    expect(redactPasswords(`SELECT dblink('postgresql://app:${secret}`, { truncated: true })).toBe(
      "SELECT dblink('postgresql://app:***",
    );
  });
});

describe("the package's debug lines", () => {
  it('go through the same routine, arguments and all', () => {
    const secret = password();
    const lines: string[] = [];
    const write = debug.log;
    debug.log = (line: string) => lines.push(line); // debug's own extension point: where every line goes
    try {
      const log = createDebug('fixtures:test');
      log.enabled = true;
      log('could not reach %s: %O', `postgresql://app:${secret}@db/x`, {
        query: `ALTER ROLE app PASSWORD '${secret}'`,
      });
    } finally {
      debug.log = write;
    }

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('could not reach postgresql://app:***@db/x');
    expect(lines[0]).toContain("PASSWORD '***'");
    expect(lines[0]).not.toContain(secret);
  });

  it('are the only lines: no module of the package logs through debug itself', async () => {
    const sources: string[] = [];
    for await (const path of glob('src/**/*.ts', { cwd: PROJECT_ROOT })) sources.push(path);
    const raw: string[] = [];
    for (const path of sources) {
      if (path === join('src', 'text', 'debug.ts') || path.startsWith(join('src', 'generated'))) continue;
      if (/from ['"]debug['"]/.test(await readFile(join(PROJECT_ROOT, path), 'utf8'))) raw.push(path);
    }

    expect(sources.length).toBeGreaterThan(50);
    expect(raw, 'import createDebug from src/text/debug.ts instead: its lines are redacted').toEqual([]);
  });
});
