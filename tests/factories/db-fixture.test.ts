/**
 * `db.factories` in the Vitest fixture: each test draws from a scope seeded by
 * its own file and name, so it builds the same data on every run, tests
 * differ from each other, and the root `build*` functions share its sequences.
 * A failing test's message names its seed.
 */
import { buildLearner, createFactories, type PrismaClient } from '@ctoprojects/fixtures';
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';
import { vi } from 'vitest';
import { seedFor } from '../../src/factories/data-scope.ts';
import { collectRunProfile } from '../../src/factories/profile.ts';
import { runFixtureFiles } from '../support/nested-vitest.ts';

const FILE = 'tests/factories/db-fixture.test.ts';

/** What a test called `name` in this file builds first, worked out from its seed alone. */
const firstLearnerOf = (name: string) =>
  createFactories({} as PrismaClient, { seed: seedFor(`${FILE} > db.factories > ${name}`) }).learner.build();

describe('db.factories', () => {
  test('derive their data from the test’s file and name', async ({ db }) => {
    const created = await db.factories.learner.create();

    expect(created).toEqual(firstLearnerOf('derive their data from the test’s file and name'));
  });

  test('give another test other data', async ({ db }) => {
    const learner = db.factories.learner.build();

    expect(learner).toEqual(firstLearnerOf('give another test other data'));
    expect(learner.email).not.toBe(firstLearnerOf('derive their data from the test’s file and name').email);
  });

  test('share their sequences with buildLearner(): no two emails meet', async ({ db }) => {
    const built = buildLearner();
    await db.prisma.user.create({ data: built });

    const created = await db.factories.learner.createList(3);

    expect(new Set([built.email, ...created.map((user) => user.email)]).size).toBe(4);
  });
});

describe('a failing test', () => {
  test('names the data seed that reproduces it', async () => {
    const run = await runFixtureFiles('data-seed', { FIXTURES_SEED: 'universe-7' });

    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'Data seed: "universe-7 / data-seed.fixture.ts > fails on purpose". Running this test again builds the same data (keep FIXTURES_SEED=universe-7).',
    );
  });
});

describe('FIXTURES_PROFILE=1', () => {
  test('hands each worker’s rows, statements and time per factory to the run, which prints them merged', async () => {
    vi.stubEnv('FIXTURES_PROFILE', '1');
    vi.stubEnv('FIXTURES_PROFILE_DIR', undefined);
    const profile = collectRunProfile();
    const lines: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await runFixtureFiles('data-seed', {
        FIXTURES_PROFILE: '1',
        FIXTURES_PROFILE_DIR: process.env.FIXTURES_PROFILE_DIR as string,
      });
      profile?.finish();
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }

    expect(profile).toBeDefined();
    expect(lines.join('')).toMatch(
      /Factory profile \(FIXTURES_PROFILE=1\), all workers:\nfactory\s+built\s+created\s+statements\s+build ms\s+insert ms\nlearner\s+1\s+1\s+1\s/,
    );
  });
});
