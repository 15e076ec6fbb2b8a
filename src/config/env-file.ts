/**
 * Loads `.env` the way every entry point of the data layer does: variables
 * already set in the environment win, and `FIXTURES_ENV_FILE` picks another
 * file, or `none` for no file at all (the test suite uses that to stay
 * independent of a developer's `.env`).
 */
import { existsSync } from 'node:fs';
import { ConfigurationError } from './database-url.ts';

/** The env file the entry points load: `FIXTURES_ENV_FILE`, else `.env`; `undefined` for `none`. */
export function envFilePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.FIXTURES_ENV_FILE ?? '.env';
  return file === 'none' ? undefined : file;
}

export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): void {
  const file = envFilePath(env);
  if (file === undefined) return;
  if (existsSync(file)) process.loadEnvFile(file);
  else if (env.FIXTURES_ENV_FILE) {
    throw new ConfigurationError(
      'FIXTURES_ENV_FILE',
      `FIXTURES_ENV_FILE is ${file}, which does not exist: point it at an env file, or set it to none.`,
    );
  }
}
