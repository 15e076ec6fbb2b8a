/**
 * The command a person can actually type to run one of ours, for hints.
 * Inside this repository the npm scripts wrap them (`npm run db:up`); a
 * project that installed the package has none of our scripts, only the bin
 * (`npx ctoprojects-fixtures db:up`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, RUNNING_FROM_SOURCE } from '../package-files.ts';

/** What every npm script of this repository runs, followed by the command. */
const SOURCE_ENTRY = 'node src/cli/main.ts';

/**
 * How to run `ctoprojects-fixtures <command>` from where this code runs.
 *
 * @example
 * fixturesCommand('db:up'); // 'npm run db:up' in this repository, 'npx ctoprojects-fixtures db:up' in a consumer
 * fixturesCommand('prisma migrate deploy'); // 'npm run prisma:migrate:deploy' here
 */
export function fixturesCommand(command: string): string {
  if (!RUNNING_FROM_SOURCE) return `npx ctoprojects-fixtures ${command}`;
  const { scripts = {} } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const script = Object.keys(scripts).find((name) => scripts[name] === `${SOURCE_ENTRY} ${command}`);
  return script ? `npm run ${script}` : `${SOURCE_ENTRY} ${command}`;
}
