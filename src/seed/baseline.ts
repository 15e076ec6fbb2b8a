/**
 * The baseline: the small, known world that demos, smoke tests and manual QA
 * start from. Fixed ids, emails and timestamps, so every run describes the
 * same rows; inserted with ON CONFLICT DO NOTHING under an advisory lock, so
 * a second run (or two at once) changes no row.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** Ids of the baseline's rows, for tests that start from it. */
export const BASELINE_IDS = {
  admin: '00000000-0000-4000-8000-000000000001',
  learner: '00000000-0000-4000-8000-000000000002',
  material: '00000000-0000-4000-8000-000000000101',
  chunks: ['00000000-0000-4000-8000-000000000201', '00000000-0000-4000-8000-000000000202'],
  asset: '00000000-0000-4000-8000-000000000301',
  session: '00000000-0000-4000-8000-000000000401',
  interaction: '00000000-0000-4000-8000-000000000501',
  feedback: '00000000-0000-4000-8000-000000000601',
  progressMetric: '00000000-0000-4000-8000-000000000701',
  auditLog: '00000000-0000-4000-8000-000000000801',
} as const;

export const BASELINE_EMAILS = { admin: 'admin@ctoprojects.dev', learner: 'learner@ctoprojects.dev' } as const;

const at = (iso: string) => new Date(iso);
const ids = BASELINE_IDS;

/** Row counts per table: how many the run inserted, how many were already there. */
export type SeedSummary = Record<string, { created: number; found: number }>;

/** Serialises concurrent seeders on one database; the key is arbitrary but fixed. */
const SEED_LOCK_KEY = 727_240_001;

type Tx = Prisma.TransactionClient;

/** Each step inserts one table's baseline rows, parents before children. */
const STEPS: [table: string, insert: (tx: Tx) => Promise<{ count: number }>, total: number][] = [
  [
    'users',
    (tx) =>
      tx.user.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.admin,
            email: BASELINE_EMAILS.admin,
            displayName: 'CTOProjects Admin',
            role: 'ADMIN',
            createdAt: at('2026-01-01T08:00:00Z'),
            updatedAt: at('2026-01-01T08:00:00Z'),
          },
          {
            id: ids.learner,
            email: BASELINE_EMAILS.learner,
            displayName: 'Demo Learner',
            role: 'LEARNER',
            createdAt: at('2026-01-01T08:05:00Z'),
            updatedAt: at('2026-01-01T08:05:00Z'),
          },
        ],
      }),
    2,
  ],
  [
    'study_materials',
    (tx) =>
      tx.studyMaterial.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.material,
            ownerId: ids.admin,
            title: 'Introduction to Graph Algorithms',
            sourceType: 'TEXT',
            status: 'READY',
            metadata: { language: 'en', level: 'beginner', topics: ['graphs', 'bfs'] },
            createdAt: at('2026-01-02T10:00:00Z'),
            updatedAt: at('2026-01-02T10:00:00Z'),
          },
        ],
      }),
    1,
  ],
  [
    'content_chunks',
    (tx) =>
      tx.contentChunk.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.chunks[0],
            materialId: ids.material,
            ordinal: 0,
            text: 'A graph is a set of vertices joined by edges.',
            tokenCount: 11,
            createdAt: at('2026-01-02T10:01:00Z'),
          },
          {
            id: ids.chunks[1],
            materialId: ids.material,
            ordinal: 1,
            text: 'Breadth-first search visits vertices in order of their distance from the start.',
            tokenCount: 15,
            createdAt: at('2026-01-02T10:01:00Z'),
          },
        ],
      }),
    2,
  ],
  [
    'generated_assets',
    (tx) =>
      tx.generatedAsset.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.asset,
            materialId: ids.material,
            chunkId: ids.chunks[1],
            kind: 'FLASHCARD',
            payload: { front: 'In what order does BFS visit vertices?', back: 'By distance from the start vertex.' },
            modelName: 'ctoprojects-tutor',
            modelVersion: '2026-01',
            createdAt: at('2026-01-02T10:05:00Z'),
          },
        ],
      }),
    1,
  ],
  [
    'learning_sessions',
    (tx) =>
      tx.learningSession.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.session,
            learnerId: ids.learner,
            materialId: ids.material,
            status: 'COMPLETED',
            startedAt: at('2026-01-05T09:00:00Z'),
            endedAt: at('2026-01-05T09:25:00Z'),
            score: 80,
          },
        ],
      }),
    1,
  ],
  [
    'interactions',
    (tx) =>
      tx.interaction.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.interaction,
            sessionId: ids.session,
            assetId: ids.asset,
            type: 'FLIP_CARD',
            payload: { side: 'back', secondsToFlip: 6 },
            occurredAt: at('2026-01-05T09:10:00Z'),
          },
        ],
      }),
    1,
  ],
  [
    'user_feedback',
    (tx) =>
      tx.userFeedback.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.feedback,
            userId: ids.learner,
            assetId: ids.asset,
            rating: 5,
            comment: 'Clear and short.',
            createdAt: at('2026-01-05T09:26:00Z'),
            updatedAt: at('2026-01-05T09:26:00Z'),
          },
        ],
      }),
    1,
  ],
  [
    'progress_metrics',
    (tx) =>
      tx.progressMetric.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.progressMetric,
            userId: ids.learner,
            materialId: ids.material,
            metric: 'mastery',
            value: 0.8,
            recordedAt: at('2026-01-05T09:25:00Z'),
          },
        ],
      }),
    1,
  ],
  [
    'audit_logs',
    (tx) =>
      tx.auditLog.createMany({
        skipDuplicates: true,
        data: [
          {
            id: ids.auditLog,
            actorId: ids.admin,
            action: 'study_material.publish',
            entityType: 'study_material',
            entityId: ids.material,
            before: { status: 'DRAFT' },
            after: { status: 'READY' },
            occurredAt: at('2026-01-02T10:06:00Z'),
          },
        ],
      }),
    1,
  ],
];

/**
 * Inserts the baseline rows that are missing and leaves the rest alone.
 *
 * @example
 * const summary = await seedBaseline(prisma);
 * summary.users; // { created: 2, found: 0 } the first time, { created: 0, found: 2 } after
 */
export async function seedBaseline(prisma: PrismaClient): Promise<SeedSummary> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
    const summary: SeedSummary = {};
    for (const [table, insert, total] of STEPS) {
      const { count } = await insert(tx);
      summary[table] = { created: count, found: total - count };
    }
    return summary;
  });
}
