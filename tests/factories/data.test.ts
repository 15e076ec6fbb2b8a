/**
 * Deterministic, unique data: every value derives from (seed, factory,
 * record index, field), so the same test builds the same data on every run,
 * one more record or trait elsewhere changes nothing here, and unique columns
 * never collide: not in thousands of builds, not between tests or workers
 * (their seeds differ), not between traits sharing a sequence.
 */
import { createFactories, type Factories, type PrismaClient } from '@ctoprojects/fixtures';
import { describe, expect, it } from 'vitest';
import { DataScope, seedFor } from '../../src/factories/data-scope.ts';

/** Build-only factories on a seed of their own, as a test with that seed gets them. */
const factoriesFor = (seed: string): Factories => createFactories({} as PrismaClient, { seed });

describe('determinism', () => {
  it('the same seed builds the same data, field for field', () => {
    const first = factoriesFor('test A').learningSession.completed().buildList(3);
    const again = factoriesFor('test A').learningSession.completed().buildList(3);

    expect(again).toEqual(first);
  });

  it('another seed builds other data', () => {
    const a = factoriesFor('test A').learner.build();
    const b = factoriesFor('test B').learner.build();

    expect(b.id).not.toBe(a.id);
    expect(b.email).not.toBe(a.email);
  });

  it('records of another factory, built first, change nothing', () => {
    const plain = factoriesFor('seed');
    const busy = factoriesFor('seed');
    busy.studyMaterial.buildList(5);
    busy.auditLog.build();

    expect(busy.learner.buildList(3)).toEqual(plain.learner.buildList(3));
  });

  it('a trait or override on one field changes that field only', () => {
    const plain = factoriesFor('seed').generatedAsset.build();
    const quiz = factoriesFor('seed').generatedAsset.build({ modelVersion: '2027-01' });

    expect(quiz).toEqual({ ...plain, modelVersion: '2027-01' });
  });

  it('FIXTURES_SEED changes every value of every test, and the test id keeps tests apart', () => {
    expect(seedFor('tests/a.test.ts > signs up', {})).toBe('ctoprojects / tests/a.test.ts > signs up');
    expect(seedFor('tests/a.test.ts > signs up', { FIXTURES_SEED: '42' })).toBe('42 / tests/a.test.ts > signs up');
    expect(seedFor(undefined, { FIXTURES_SEED: '42' })).toBe('42');
    expect(new DataScope('42 / x').tag).not.toBe(new DataScope('ctoprojects / x').tag);
  });

  it('dates fall in a fixed window, to the millisecond', () => {
    const dates = factoriesFor('seed')
      .learner.buildList(200)
      .map((user) => user.createdAt.getTime());

    expect(Math.min(...dates)).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1));
    expect(Math.max(...dates)).toBeLessThan(Date.UTC(2026, 0, 1) + 181 * 86_400_000);
    expect(new Set(dates).size).toBeGreaterThan(190);
  });
});

describe('uniqueness', () => {
  it('20,000 learner emails are unique, case-insensitively (faker emails repeat within a few thousand)', () => {
    const emails = factoriesFor('bulk')
      .learner.buildList(20_000)
      .map((user) => user.email.toLowerCase());

    expect(new Set(emails).size).toBe(20_000);
    expect(emails.every((email) => /^[a-z0-9.]+@example\.test$/.test(email))).toBe(true);
  });

  it('two tests (or two workers, which run different tests) never build the same email or id', () => {
    const workerA = factoriesFor(seedFor('tests/a.test.ts > one', {})).learner.buildList(2_000);
    const workerB = factoriesFor(seedFor('tests/b.test.ts > one', {})).learner.buildList(2_000);

    const emails = new Set([...workerA, ...workerB].map((user) => user.email));
    const ids = new Set([...workerA, ...workerB].map((user) => user.id));
    expect(emails.size).toBe(4_000);
    expect(ids.size).toBe(4_000);
  });

  it('traits and params() copies share their factory sequence', () => {
    const factories = factoriesFor('shared');
    const emails = [
      ...factories.learner.buildList(10),
      ...factories.admin.buildList(10),
      ...factories.learner.withSessions(1).buildList(10),
      ...factories.learner.params({ displayName: 'Same Name' }).buildList(10),
    ].map((user) => user.email);
    const ordinals = [
      ...factories.contentChunk.buildList(10),
      ...factories.contentChunk.params({ tokenCount: 3 }).buildList(10),
    ].map((chunk) => chunk.ordinal);
    const metrics = factories.progressMetric.buildList(12).map((metric) => metric.metric);

    expect(new Set(emails).size).toBe(40);
    expect(new Set(ordinals).size).toBe(20);
    expect(new Set(metrics).size).toBe(12);
    expect(metrics.slice(0, 6)).toEqual([
      'mastery',
      'completion',
      'accuracy',
      'streak_days',
      'minutes_studied',
      'mastery_2',
    ]);
  });
});
