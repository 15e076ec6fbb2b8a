/**
 * `.env` and the development server: the values that point every later
 * command at the server `db:up` started, and which of them a file gets wrong.
 * A `.env` that points elsewhere is the developer's: we say what to change
 * and never rewrite it, since a wrong guess would silently retarget
 * `db:reset --force`.
 */
import { resolve } from 'node:path';
import {
  DEFAULT_DEV_DATA_DIR,
  DEFAULT_DEV_PORT,
  type DevServerSettings,
  devConnectionStrings,
  isDevServer,
} from './dev-server.ts';

const URL_VARIABLES = ['DATABASE_URL', 'DIRECT_DATABASE_URL', 'SHADOW_DATABASE_URL'];

/** Every variable that decides which server a later command reaches, set for `settings`' server. */
export function devServerValues(settings: DevServerSettings): Record<string, string> {
  return {
    ...devConnectionStrings(settings.port),
    FIXTURES_DEV_PORT: String(settings.port),
    FIXTURES_DEV_DATA_DIR: settings.dataDir,
  };
}

/** What an env file needs for `settings`' server: the three URLs, and the server's settings where not the default. */
export function devEnvValues(settings: DevServerSettings): Record<string, string> {
  const { FIXTURES_DEV_PORT, FIXTURES_DEV_DATA_DIR, ...urls } = devServerValues(settings);
  return {
    ...urls,
    ...(settings.port !== DEFAULT_DEV_PORT && { FIXTURES_DEV_PORT }),
    ...(settings.dataDir !== resolve(DEFAULT_DEV_DATA_DIR) && { FIXTURES_DEV_DATA_DIR }),
  };
}

function sameDatabase(value: string, wanted: string, settings: DevServerSettings): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const target = new URL(wanted);
  return (
    isDevServer(url, settings) &&
    url.pathname === target.pathname &&
    decodeURIComponent(url.username) === decodeURIComponent(target.username) &&
    decodeURIComponent(url.password) === decodeURIComponent(target.password)
  );
}

/** Every variable that decides which server a later command reaches. */
export const DEV_SERVER_VARIABLES = [...URL_VARIABLES, 'FIXTURES_DEV_PORT', 'FIXTURES_DEV_DATA_DIR'];

/**
 * Whether `name` set to `value` (or unset) takes a later command away from
 * `settings`' server. An unset DIRECT_DATABASE_URL or SHADOW_DATABASE_URL is
 * no fault: DATABASE_URL, or a temporary shadow database, serves instead.
 */
export function pointsElsewhere(name: string, value: string | undefined, settings: DevServerSettings): boolean {
  if (name === 'FIXTURES_DEV_PORT') return Number(value || DEFAULT_DEV_PORT) !== settings.port;
  if (name === 'FIXTURES_DEV_DATA_DIR') return resolve(value || DEFAULT_DEV_DATA_DIR) !== settings.dataDir;
  if (!value) return name === 'DATABASE_URL';
  return !sameDatabase(value, devConnectionStrings(settings.port)[name] as string, settings);
}

/** The variables that `values` (an env file's) must change for later commands to reach `settings`' server. */
export function variablesToChange(
  values: Readonly<Record<string, string | undefined>>,
  settings: DevServerSettings,
): string[] {
  return DEV_SERVER_VARIABLES.filter((name) => pointsElsewhere(name, values[name], settings));
}

/** `NAME="value"` lines, as .env holds them. */
export function envLines(values: Readonly<Record<string, string>>, names = Object.keys(values)): string {
  return names.map((name) => `${name}="${values[name]}"\n`).join('');
}

/** `text` (an env file) with each of `values` set: its line replaced where the file has one, appended otherwise. */
export function withEnvValues(text: string, values: Readonly<Record<string, string>>): string {
  let result = text;
  const appended: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^[ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=.*$`, 'm');
    if (line.test(result)) result = result.replace(line, () => `${name}="${value}"`);
    else appended.push(name);
  }
  if (appended.length === 0) return result;
  const separator = result === '' || result.endsWith('\n') ? '' : '\n';
  return `${result}${separator}${envLines(values, appended)}`;
}
