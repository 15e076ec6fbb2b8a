/**
 * The baseline: the small, known world that demos, smoke tests and manual QA
 * start from, built by the factories with fixed ids, emails and timestamps.
 *
 * Idempotent by upsert: a missing row is inserted, a row that drifted from
 * the baseline is written back, and an equal row is not touched at all, so a
 * second run (or two at once, serialised by an advisory lock) changes nothing.
 */
import { schemaOfClient } from '../client/create-prisma-client.ts';
import { createFactorySet, type Factories, type FactorySet } from '../factories/factories.ts';
import { upsertRows } from '../factories/factory-writes.ts';
import type { FactoryClient } from '../factories/model-factory.ts';
import type { FactoryName, RowOf } from '../factories/registry.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { assertMigrated } from './migrated.ts';

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

/** Emails of the baseline's admin and learner, for tests that start from the baseline. */
export const BASELINE_EMAILS = { admin: 'admin@ctoprojects.dev', learner: 'learner@ctoprojects.dev' } as const;

/** The seed the factories derive the baseline's unstated values from: fixed, like everything else in it. */
const BASELINE_SEED = 'ctoprojects-baseline';

/** Serialises concurrent seeders on one database; the key is arbitrary but fixed. */
const SEED_LOCK_KEY = 727_240_001;

const at = (iso: string) => new Date(iso);
const ids = BASELINE_IDS;

/** Per table: rows inserted, rows written back to the baseline, rows already as they should be. */
export type SeedSummary = Record<string, { created: number; updated: number; found: number }>;

/** One table's rows, built by the factory `factory` (whose definition names the table). */
type StepOf<Name extends FactoryName> = { readonly factory: Name; readonly rows: readonly RowOf<Name>[] };
type Step = { [Name in FactoryName]: StepOf<Name> }[FactoryName];

/** Upserts one step's rows with its factory's state; its table's counts. */
async function upsertStep<Name extends FactoryName>(set: FactorySet, client: FactoryClient, step: StepOf<Name>) {
  const state = set.state(step.factory);
  return { table: state.definition.table, counts: await upsertRows(state, client, step.rows) };
}

/** The baseline's rows, parents before children. */
function baselineSteps(factories: Factories): Step[] {
  return [
    {
      factory: 'admin',
      rows: [
        factories.admin.build({
          id: ids.admin,
          email: BASELINE_EMAILS.admin,
          displayName: 'CTOProjects Admin',
          createdAt: at('2026-01-01T08:00:00Z'),
          updatedAt: at('2026-01-01T08:00:00Z'),
        }),
        factories.learner.build({
          id: ids.learner,
          email: BASELINE_EMAILS.learner,
          displayName: 'Demo Learner',
          createdAt: at('2026-01-01T08:05:00Z'),
          updatedAt: at('2026-01-01T08:05:00Z'),
        }),
      ],
    },
    {
      factory: 'studyMaterial',
      rows: [
        factories.studyMaterial.build({
          id: ids.material,
          ownerId: ids.admin,
          title: 'Introduction to Graph Algorithms',
          metadata: { language: 'en', level: 'beginner', topics: ['graphs', 'bfs'] },
          createdAt: at('2026-01-02T10:00:00Z'),
          updatedAt: at('2026-01-02T10:00:00Z'),
        }),
      ],
    },
    {
      factory: 'contentChunk',
      rows: [
        factories.contentChunk.build({
          id: ids.chunks[0],
          materialId: ids.material,
          ordinal: 0,
          text: 'A graph is a set of vertices joined by edges.',
          tokenCount: 11,
          createdAt: at('2026-01-02T10:01:00Z'),
        }),
        factories.contentChunk.build({
          id: ids.chunks[1],
          materialId: ids.material,
          ordinal: 1,
          text: 'Breadth-first search visits vertices in order of their distance from the start.',
          tokenCount: 15,
          createdAt: at('2026-01-02T10:01:00Z'),
        }),
      ],
    },
    {
      factory: 'generatedAsset',
      rows: [
        factories.generatedAsset.flashcard().build({
          id: ids.asset,
          materialId: ids.material,
          chunkId: ids.chunks[1],
          payload: { front: 'In what order does BFS visit vertices?', back: 'By distance from the start vertex.' },
          createdAt: at('2026-01-02T10:05:00Z'),
        }),
      ],
    },
    {
      factory: 'learningSession',
      rows: [
        factories.learningSession.completed().build({
          id: ids.session,
          learnerId: ids.learner,
          materialId: ids.material,
          startedAt: at('2026-01-05T09:00:00Z'),
          endedAt: at('2026-01-05T09:25:00Z'),
          score: 80,
        }),
      ],
    },
    {
      factory: 'interaction',
      rows: [
        factories.interaction.build({
          id: ids.interaction,
          sessionId: ids.session,
          assetId: ids.asset,
          type: 'FLIP_CARD',
          payload: { side: 'back', secondsToFlip: 6 },
          occurredAt: at('2026-01-05T09:10:00Z'),
        }),
      ],
    },
    {
      factory: 'userFeedback',
      rows: [
        factories.userFeedback.build({
          id: ids.feedback,
          userId: ids.learner,
          assetId: ids.asset,
          rating: 5,
          comment: 'Clear and short.',
          createdAt: at('2026-01-05T09:26:00Z'),
          updatedAt: at('2026-01-05T09:26:00Z'),
        }),
      ],
    },
    {
      factory: 'progressMetric',
      rows: [
        factories.progressMetric.build({
          id: ids.progressMetric,
          userId: ids.learner,
          materialId: ids.material,
          metric: 'mastery',
          value: 0.8,
          recordedAt: at('2026-01-05T09:25:00Z'),
        }),
      ],
    },
    {
      factory: 'auditLog',
      rows: [
        factories.auditLog.build({
          id: ids.auditLog,
          actorId: ids.admin,
          action: 'study_material.publish',
          entityType: 'study_material',
          entityId: ids.material,
          before: { status: 'DRAFT' },
          after: { status: 'READY' },
          occurredAt: at('2026-01-02T10:06:00Z'),
        }),
      ],
    },
  ];
}

/** Options of `seedBaseline`. */
export interface SeedBaselineOptions {
  /** Called after each table, for progress on a terminal. */
  readonly onTable?: (table: string, counts: SeedSummary[string]) => void;
}

/**
 * Writes the baseline: inserts what is missing, writes back what drifted,
 * leaves the rest alone. Refuses, changing nothing, a database whose
 * migrations are missing or differ from `prisma/migrations`.
 *
 * @example
 * const summary = await seedBaseline(prisma);
 * summary.users; // { created: 2, updated: 0, found: 0 } the first time, { created: 0, updated: 0, found: 2 } after
 */
export async function seedBaseline(prisma: PrismaClient, options: SeedBaselineOptions = {}): Promise<SeedSummary> {
  const schema = schemaOfClient(prisma);
  await assertMigrated(prisma, schema);
  const set = createFactorySet(prisma, { seed: BASELINE_SEED, ...(schema ? { schema } : {}) });
  const steps = baselineSteps(set.factories);
  return prisma.$transaction(
    async (transaction) => {
      await transaction.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
      const summary: SeedSummary = {};
      for (const step of steps) {
        const { table, counts } = await upsertStep(set, transaction, step);
        const { created, updated, unchanged } = counts;
        summary[table] = { created, updated, found: unchanged };
        options.onTable?.(table, summary[table]);
      }
      return summary;
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
}
