/**
 * Where a connection string can take a client: every host that pg or libpq
 * would dial, from the URL and the environment, so that a guard decides on
 * all of them.
 */
import { describe, expect, it } from 'vitest';
import { connectionHosts, isThisMachine, remoteHosts } from '../../src/config/connection-hosts.ts';

const hostsOf = (url: string, env: Record<string, string> = {}) =>
  connectionHosts(new URL(url), env).map(({ host, from }) => `${host} (${from})`);

describe('connectionHosts', () => {
  it.each([
    ['postgresql://app@db.example:5432/x', {}, ["db.example (the URL's host)"]],
    ['postgresql://app@[::1]:5432/x', {}, ["::1 (the URL's host)"]],
    ['postgresql:///x?host=db.example', {}, ['db.example (?host=)']],
    ['postgresql://app@localhost/x?host=db.example', {}, ['db.example (?host=)', "localhost (the URL's host)"]],
    ['postgresql://app@localhost,db.example:5433/x', {}, ["localhost (the URL's host)", "db.example (the URL's host)"]],
    ['postgresql:///x?host=localhost,db.example', {}, ['localhost (?host=)', 'db.example (?host=)']],
    ['postgresql:///x?host=localhost&host=db.example', {}, ['db.example (?host=)', 'localhost (?host=)']],
    ['postgresql://app@localhost/x?hostaddr=192.0.2.1', {}, ["localhost (the URL's host)", '192.0.2.1 (?hostaddr=)']],
    [
      'postgresql://app@localhost/x',
      { PGHOSTADDR: '192.0.2.1' },
      ["localhost (the URL's host)", '192.0.2.1 (PGHOSTADDR)'],
    ],
    ['postgresql:///x?host=', { PGHOST: 'db.example' }, ['db.example (PGHOST)']],
    ['postgresql:///x?host=', {}, ["localhost (pg's default, localhost)"]],
    ['postgresql://app@localhost/x', { PGHOST: 'db.example' }, ["localhost (the URL's host)"]],
    ['postgresql:///x?host=%2Fvar%2Frun%2Fpostgresql', {}, ['/var/run/postgresql (?host=)']],
    ['postgresql://%2Fvar%2Frun%2Fpostgresql/x', {}, ["/var/run/postgresql (the URL's host)"]],
  ])('%s with %o: %o', (url, env, expected) => {
    expect(hostsOf(url, env)).toEqual(expected);
  });
});

describe('isThisMachine', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '/var/run/postgresql',
    '@abstract',
  ])('%s is', (host) => {
    expect(isThisMachine(host)).toBe(true);
  });

  it.each([
    'db.example.invalid',
    'localhost.example.invalid',
    '10.0.0.1',
    '0.0.0.0',
    '128.0.0.1',
    '::2',
    '::ffff:10.0.0.1',
    '',
  ])('%s is not', (host) => {
    expect(isThisMachine(host)).toBe(false);
  });
});

describe('remoteHosts', () => {
  it('is empty only when every host is this machine', () => {
    expect(remoteHosts(new URL('postgresql://app@localhost/x?host=127.0.0.1'), {})).toEqual([]);
    expect(remoteHosts(new URL('postgresql://app@localhost/x?host=127.0.0.1,db.example.invalid'), {})).toEqual([
      { host: 'db.example.invalid', from: '?host=' },
    ]);
  });
});
