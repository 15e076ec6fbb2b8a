/**
 * `withDatabase(fn)`: a fresh, migrated database for one call, dropped after it.
 *
 * Choose it outside Vitest (node:test, Jest, Mocha, a script), or for one
 * test that needs a database nobody else touches: it commits for real, and
 * there is no reset to think about. It costs a clone per call (a few ms from
 * the pool, ~30 ms otherwise), so a file of many tests is cheaper with the
 * `db` fixture. `ctx` has the same `prisma`, `url` and `factories`.
 */
import { withDatabase } from '@ctoprojects/fixtures';
import { describe, expect, test } from 'vitest';
import { averageRating, rateAsset } from './asset-feedback.ts';
import * as scenarios from './scenarios.ts';

describe('withDatabase', () => {
  test('runs a scenario on a database of its own', () =>
    withDatabase((ctx) => scenarios.aSecondClientSeesACommittedRating(ctx)));

  test('returns what the callback returns', async () => {
    const average = await withDatabase(async ({ prisma, factories }) => {
      const flashcard = await factories.generatedAsset.flashcard().create();
      const raters = await factories.learner.createList(3);
      for (const [index, rater] of raters.entries()) {
        await rateAsset(prisma, { userId: rater.id, assetId: flashcard.id, rating: index + 3 });
      }
      return averageRating(prisma, flashcard.id);
    });

    expect(average).toEqual({ average: 4, ratings: 3 });
  });
});
