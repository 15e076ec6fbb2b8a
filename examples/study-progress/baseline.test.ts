/**
 * Starting from the baseline: `seedBaseline(prisma)` writes the small, known
 * world of demos and manual QA (an admin, the demo learner
 * `learner@ctoprojects.dev`, a sample material with a completed session, …)
 * with the fixed ids of `BASELINE_IDS`.
 *
 * Choose it for smoke tests of a flow a person would click through, or to
 * check the seed itself still suits the service. Prefer factories for
 * anything else: a test that states its own data says why it passes.
 * Seed inside the test: with the default reset, the rows go with its rollback.
 */
import { BASELINE_IDS, seedBaseline } from '@ctoprojects/fixtures';
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';
import { averageRating, rateAsset } from './asset-feedback.ts';
import * as scenarios from './scenarios.ts';

describe('the baseline', () => {
  test('the demo learner progresses from the baseline', ({ db }) =>
    scenarios.theDemoLearnerProgressesFromTheBaseline(db));

  test('seeding it again changes no row', ({ db }) => scenarios.seedingTheBaselineAgainChangesNoRow(db));

  test('the demo learner rates a quiz made from the sample material', async ({ db }) => {
    await seedBaseline(db.prisma);
    const quiz = await db.factories.generatedAsset.quiz().create({ materialId: BASELINE_IDS.material });

    await rateAsset(db.prisma, { userId: BASELINE_IDS.learner, assetId: quiz.id, rating: 5 });

    expect(await averageRating(db.prisma, quiz.id)).toEqual({ average: 5, ratings: 1 });
  });
});
