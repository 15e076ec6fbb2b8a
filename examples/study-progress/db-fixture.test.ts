/**
 * The Vitest `db` fixture, with its default reset: `transaction`.
 *
 * Choose it for most integration tests. The file gets a migrated database of
 * its own, each test runs in a transaction rolled back after it (under 1 ms),
 * and the service's own `prisma.$transaction(…)` calls still work, as
 * savepoints. `db.factories` create the rows a test needs; `db.prisma` is
 * the client to hand the code under test.
 */
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';
import { recordInteraction } from './record-interaction.ts';
import * as scenarios from './scenarios.ts';

describe('recording a learning session', () => {
  test('an interaction in an active session is recorded', ({ db }) =>
    scenarios.recordsAnInteractionInAnActiveSession(db));

  test('an interaction in a finished session is refused', ({ db }) =>
    scenarios.refusesAnInteractionInAFinishedSession(db));

  test('completing a session scores its answers and audits it', ({ db }) =>
    scenarios.completingASessionScoresItsAnswersAndAuditsIt(db));

  test('completing a session twice is refused and changes nothing', ({ db }) =>
    scenarios.completingTwiceIsRefusedAndChangesNothing(db));

  // The same, written out: what a test of your own looks like.
  test('an unknown session is refused by name', async ({ db }) => {
    const learner = await db.factories.learner.create();
    const missing = crypto.randomUUID();

    await expect(recordInteraction(db.prisma, { sessionId: missing, type: 'SKIP' })).rejects.toThrow(
      `No learning session has the id ${missing}.`,
    );
    expect(await db.prisma.learningSession.count({ where: { learnerId: learner.id } })).toBe(0);
  });
});

describe('rating generated assets', () => {
  test('a second rating replaces the first', ({ db }) => scenarios.aSecondRatingReplacesTheFirst(db));

  test('an out-of-range rating is refused before any write', ({ db }) =>
    scenarios.anOutOfRangeRatingIsRefusedBeforeAnyWrite(db));
});

describe('isolation between tests', () => {
  // Each test below would see the other's learner if the rollback did not happen. Vitest runs a file's tests in order.
  for (const round of [1, 2]) {
    test(`round ${round}: the database holds only this test's rows`, async ({ db }) => {
      await db.factories.learner.create();
      expect(await db.prisma.user.count()).toBe(1);
    });
  }
});
