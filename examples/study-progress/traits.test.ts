/**
 * Arranging with traits: `learner.withSessions(…)`, `learner.withProgressOn(…)`,
 * `studyMaterial.withChunks(…)`, `generatedAsset.quiz()`,
 * `learningSession.completed()`, and `buildLearner()` for a row in memory.
 *
 * Choose traits whenever a test needs a shape of data ("a learner with two
 * completed sessions on this material"): the test states only that, the
 * factories fill in everything else, valid and linked, in a few multi-row
 * INSERTs. Overrides (`{ score: 90 }`) pin the values the test asserts on.
 */
import { buildLearner } from '@ctoprojects/fixtures';
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';
import * as scenarios from './scenarios.ts';

describe('rolling up progress', () => {
  test('completed sessions roll up into sessions_completed and mastery', ({ db }) =>
    scenarios.progressRollsUpCompletedSessions(db));

  test('a roll-up updates existing metrics in place', ({ db }) => scenarios.aRollUpUpdatesExistingMetricsInPlace(db));

  test('coverage counts the distinct chunks viewed', ({ db }) => scenarios.coverageCountsDistinctChunksViewed(db));

  test('a learner built in memory can be stored and study', ({ db }) => scenarios.aLearnerBuiltInMemoryCanStudy(db));
});

describe('what the traits make', () => {
  test('withSessions and completed() make finished, scored sessions', async ({ db }) => {
    const material = await db.factories.studyMaterial.create();
    const learner = await db.factories.learner.withSessions(3, { material, status: 'COMPLETED' }).create();

    const sessions = await db.prisma.learningSession.findMany({ where: { learnerId: learner.id } });
    expect(sessions).toHaveLength(3);
    for (const session of sessions) {
      expect(session).toMatchObject({ materialId: material.id, status: 'COMPLETED', score: expect.any(Number) });
      expect(session.endedAt?.getTime()).toBeGreaterThan(session.startedAt.getTime());
    }
  });

  test('build touches no database', () => {
    // No `db` here: a plain test, for the code that only needs a valid row.
    const [ada, grace] = [buildLearner(), buildLearner()];
    expect(ada.email).not.toBe(grace.email);
  });
});
