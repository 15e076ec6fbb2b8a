/**
 * A learner's progress on a material, rolled up from their sessions and
 * interactions into progress_metrics: one row per (learner, material, metric),
 * written by upsert, so a roll-up updates the current values in place.
 */
import type { PrismaClient } from '@ctoprojects/fixtures';

export interface Progress {
  /** Completed sessions on the material. */
  readonly sessions_completed: number;
  /** The mean score of the completed sessions, from 0 to 1 (0 before the first). */
  readonly mastery: number;
  /** Correct answers over answers, from 0 to 1 (0 before the first answer). */
  readonly accuracy: number;
  /** Distinct chunks viewed over the material's chunks, from 0 to 1. */
  readonly coverage: number;
}

/** Recomputes every metric of `userId` on `materialId` and stores them in one batch transaction. */
export async function rollUpProgress(prisma: PrismaClient, userId: string, materialId: string): Promise<Progress> {
  const inSessions = { session: { learnerId: userId, materialId } };
  const [completed, answered, correct, chunks, viewed] = await Promise.all([
    prisma.learningSession.aggregate({
      where: { learnerId: userId, materialId, status: 'COMPLETED' },
      _count: { _all: true },
      _avg: { score: true },
    }),
    prisma.interaction.count({ where: { ...inSessions, type: 'ANSWER' } }),
    prisma.interaction.count({
      where: { ...inSessions, type: 'ANSWER', payload: { path: ['correct'], equals: true } },
    }),
    prisma.contentChunk.count({ where: { materialId } }),
    // Prisma has no COUNT(DISTINCT json_field): the one query here in SQL.
    prisma.$queryRaw<{ count: number }[]>`
      SELECT count(DISTINCT c.id)::int AS count
      FROM interactions i
      JOIN learning_sessions s ON s.id = i.session_id
      JOIN content_chunks c ON c.material_id = s.material_id AND c.id::text = i.payload->>'chunkId'
      WHERE s.learner_id = ${userId}::uuid AND s.material_id = ${materialId}::uuid AND i.type = 'VIEW_CHUNK'`,
  ]);
  const progress: Progress = {
    sessions_completed: completed._count._all,
    mastery: (completed._avg.score ?? 0) / 100,
    accuracy: answered === 0 ? 0 : correct / answered,
    coverage: chunks === 0 ? 0 : (viewed[0]?.count ?? 0) / chunks,
  };
  // All metrics or none: a reader never sees this roll-up's mastery beside the last one's accuracy.
  await prisma.$transaction(
    Object.entries(progress).map(([metric, value]) =>
      prisma.progressMetric.upsert({
        where: { userId_materialId_metric: { userId, materialId, metric } },
        create: { userId, materialId, metric, value },
        update: { value },
      }),
    ),
  );
  return progress;
}
