/**
 * Learners rate what the AI tutor generated, 1 to 5 stars: one rating per
 * learner and asset, which a second rating replaces. Every rating is audited.
 */
import type { PrismaClient, UserFeedback } from '@ctoprojects/fixtures';
import { InvalidRatingError } from './errors.ts';

export interface RatingInput {
  readonly userId: string;
  readonly assetId: string;
  readonly rating: number;
  readonly comment?: string;
}

/** Stores `userId`'s rating of `assetId`, replacing their earlier one; `replaced` says whether there was one. */
export async function rateAsset(
  prisma: PrismaClient,
  { userId, assetId, rating, comment }: RatingInput,
): Promise<{ feedback: UserFeedback; replaced: boolean }> {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new InvalidRatingError(rating);
  return prisma.$transaction(async (tx) => {
    const key = { userId_assetId: { userId, assetId } };
    const before = await tx.userFeedback.findUnique({ where: key });
    const text = comment?.trim() || null;
    const feedback = await tx.userFeedback.upsert({
      where: key,
      create: { userId, assetId, rating, comment: text },
      update: { rating, comment: text },
    });
    await tx.auditLog.create({
      data: {
        actorId: userId,
        action: before ? 'user_feedback.update' : 'user_feedback.create',
        entityType: 'user_feedback',
        entityId: feedback.id,
        ...(before && { before: { rating: before.rating } }),
        after: { rating },
      },
    });
    return { feedback, replaced: before !== null };
  });
}

/** The mean rating of an asset and how many learners rated it; `average` is null before the first rating. */
export async function averageRating(
  prisma: PrismaClient,
  assetId: string,
): Promise<{ average: number | null; ratings: number }> {
  const { _avg, _count } = await prisma.userFeedback.aggregate({
    where: { assetId },
    _avg: { rating: true },
    _count: { _all: true },
  });
  return { average: _avg.rating, ratings: _count._all };
}
