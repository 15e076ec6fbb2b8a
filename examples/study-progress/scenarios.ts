/**
 * The example suite's scenarios: what the study-progress service must do,
 * each arranged with the factories, acted through the service and checked
 * with node:assert. The *.test.ts files run them under each of the toolkit's
 * ways to get a database; bench/examples.bench.ts runs the very same ones
 * with and without isolation, to price it.
 *
 * Each scenario asserts only on rows it made itself, as a test should: the
 * bench also runs them all, again and again, on one database never cleaned.
 */
import assert from 'node:assert/strict';
import {
  BASELINE_EMAILS,
  BASELINE_IDS,
  buildLearner,
  createPrismaClient,
  type DatabaseContext,
  seedBaseline,
} from '@ctoprojects/fixtures';
import { averageRating, rateAsset } from './asset-feedback.ts';
import { InvalidRatingError, SessionNotActiveError } from './errors.ts';
import { rollUpProgress } from './progress.ts';
import { completeSession, recordInteraction } from './record-interaction.ts';

/** What a scenario needs: the `db` fixture's context and `withDatabase`'s both fit. */
export type ScenarioContext = Pick<DatabaseContext, 'prisma' | 'factories' | 'url'>;

export type Scenario = (context: ScenarioContext) => Promise<void>;

// ─── Recording a session (db-fixture.test.ts) ──────────────────────────────

export async function recordsAnInteractionInAnActiveSession({ prisma, factories }: ScenarioContext): Promise<void> {
  const session = await factories.learningSession.create();
  const card = await factories.generatedAsset.flashcard().create({ materialId: session.materialId });

  await recordInteraction(prisma, { sessionId: session.id, type: 'FLIP_CARD', assetId: card.id });

  const recorded = await prisma.interaction.findMany({ where: { sessionId: session.id } });
  assert.deepEqual(
    recorded.map(({ type, assetId }) => ({ type, assetId })),
    [{ type: 'FLIP_CARD', assetId: card.id }],
  );
}

export async function refusesAnInteractionInAFinishedSession({ prisma, factories }: ScenarioContext): Promise<void> {
  const session = await factories.learningSession.completed().create();

  await assert.rejects(recordInteraction(prisma, { sessionId: session.id, type: 'SKIP' }), SessionNotActiveError);

  assert.equal(await prisma.interaction.count({ where: { sessionId: session.id } }), 0);
}

export async function completingASessionScoresItsAnswersAndAuditsIt({
  prisma,
  factories,
}: ScenarioContext): Promise<void> {
  const session = await factories.learningSession.create();
  for (const correct of [true, true, false]) {
    await recordInteraction(prisma, { sessionId: session.id, type: 'ANSWER', payload: { answerIndex: 1, correct } });
  }

  const completed = await completeSession(prisma, session.id);

  assert.equal(completed.status, 'COMPLETED');
  assert.equal(completed.score, 67);
  assert.ok(completed.endedAt && completed.endedAt >= completed.startedAt);
  const audit = await prisma.auditLog.findMany({ where: { entityType: 'learning_session', entityId: session.id } });
  assert.deepEqual(
    audit.map(({ action, actorId, after }) => ({ action, actorId, after })),
    [
      {
        action: 'learning_session.complete',
        actorId: session.learnerId,
        after: { status: 'COMPLETED', score: 67, answered: 3, correct: 2 },
      },
    ],
  );
}

export async function completingTwiceIsRefusedAndChangesNothing({ prisma, factories }: ScenarioContext): Promise<void> {
  const session = await factories.learningSession.create();
  const first = await completeSession(prisma, session.id);

  await assert.rejects(completeSession(prisma, session.id), SessionNotActiveError);

  assert.deepEqual(await prisma.learningSession.findUnique({ where: { id: session.id } }), first);
  assert.equal(await prisma.auditLog.count({ where: { entityId: session.id } }), 1);
}

// ─── Rating generated assets (db-fixture.test.ts) ──────────────────────────

export async function aSecondRatingReplacesTheFirst({ prisma, factories }: ScenarioContext): Promise<void> {
  const quiz = await factories.generatedAsset.quiz().create();
  const [ada, grace] = await factories.learner.createList(2);
  assert.ok(ada && grace);

  await rateAsset(prisma, { userId: ada.id, assetId: quiz.id, rating: 2 });
  await rateAsset(prisma, { userId: grace.id, assetId: quiz.id, rating: 5 });
  const again = await rateAsset(prisma, { userId: ada.id, assetId: quiz.id, rating: 4, comment: 'Better on reread.' });

  assert.equal(again.replaced, true);
  assert.deepEqual(await averageRating(prisma, quiz.id), { average: 4.5, ratings: 2 });
  // Not by occurredAt: its default, now(), is the transaction's start, the same for every row of a rolled-back test.
  const audit = await prisma.auditLog.findMany({ where: { entityId: again.feedback.id }, orderBy: { action: 'asc' } });
  assert.deepEqual(
    audit.map(({ action, before, after }) => ({ action, before, after })),
    [
      { action: 'user_feedback.create', before: null, after: { rating: 2 } },
      { action: 'user_feedback.update', before: { rating: 2 }, after: { rating: 4 } },
    ],
  );
}

export async function anOutOfRangeRatingIsRefusedBeforeAnyWrite({ prisma, factories }: ScenarioContext): Promise<void> {
  const feedback = await factories.userFeedback.create({ rating: 3 });

  for (const rating of [0, 6, 4.5]) {
    await assert.rejects(
      rateAsset(prisma, { userId: feedback.userId, assetId: feedback.assetId, rating }),
      InvalidRatingError,
    );
  }

  assert.deepEqual(await averageRating(prisma, feedback.assetId), { average: 3, ratings: 1 });
}

// ─── Rolling up progress, arranged with traits (traits.test.ts) ────────────

export async function progressRollsUpCompletedSessions({ prisma, factories }: ScenarioContext): Promise<void> {
  const material = await factories.studyMaterial.create();
  const learner = await factories.learner.withSessions(2, { material, status: 'COMPLETED' }).create();
  const sessions = await prisma.learningSession.findMany({ where: { learnerId: learner.id } });
  const meanScore = sessions.reduce((sum, { score }) => sum + (score ?? 0), 0) / sessions.length;

  const progress = await rollUpProgress(prisma, learner.id, material.id);

  assert.equal(progress.sessions_completed, 2);
  assert.equal(progress.mastery, meanScore / 100);
  const stored = await prisma.progressMetric.findMany({ where: { userId: learner.id, materialId: material.id } });
  assert.deepEqual(Object.fromEntries(stored.map(({ metric, value }) => [metric, value])), { ...progress });
}

export async function aRollUpUpdatesExistingMetricsInPlace({ prisma, factories }: ScenarioContext): Promise<void> {
  const material = await factories.studyMaterial.create();
  const learner = await factories.learner.withProgressOn(material, { mastery: 0.4 }).create();
  const [before] = await prisma.progressMetric.findMany({ where: { userId: learner.id, metric: 'mastery' } });
  await factories.learningSession.completed().create({ learnerId: learner.id, materialId: material.id, score: 90 });

  await rollUpProgress(prisma, learner.id, material.id);

  const after = await prisma.progressMetric.findMany({ where: { userId: learner.id, metric: 'mastery' } });
  assert.deepEqual(
    after.map(({ id, value }) => ({ id, value })),
    [{ id: before?.id, value: 0.9 }],
  );
}

export async function coverageCountsDistinctChunksViewed({ prisma, factories }: ScenarioContext): Promise<void> {
  const material = await factories.studyMaterial.withChunks(5).create();
  const chunks = await prisma.contentChunk.findMany({
    where: { materialId: material.id },
    orderBy: { ordinal: 'asc' },
  });
  const session = await factories.learningSession.create({ materialId: material.id });
  for (const chunk of [chunks[0], chunks[1], chunks[1]]) {
    await recordInteraction(prisma, { sessionId: session.id, type: 'VIEW_CHUNK', payload: { chunkId: chunk?.id } });
  }

  const progress = await rollUpProgress(prisma, session.learnerId, material.id);

  assert.equal(chunks.length, 5);
  assert.equal(progress.coverage, 2 / 5);
  assert.equal(progress.sessions_completed, 0);
}

export async function aLearnerBuiltInMemoryCanStudy({ prisma, factories }: ScenarioContext): Promise<void> {
  // build* touches no database: the row goes to Prisma as it is, or to a unit test.
  const ada = buildLearner({ displayName: 'Ada Lovelace' });
  assert.equal(ada.role, 'LEARNER');
  await prisma.user.create({ data: ada });
  const session = await factories.learningSession.create({ learnerId: ada.id });

  await recordInteraction(prisma, { sessionId: session.id, type: 'ANSWER', payload: { correct: true } });
  const completed = await completeSession(prisma, session.id);

  assert.equal(completed.score, 100);
  assert.equal((await prisma.user.findUniqueOrThrow({ where: { id: ada.id } })).displayName, 'Ada Lovelace');
}

// ─── Starting from the baseline (baseline.test.ts) ─────────────────────────

export async function theDemoLearnerProgressesFromTheBaseline({ prisma, factories }: ScenarioContext): Promise<void> {
  await seedBaseline(prisma);
  const demo = await prisma.user.findUniqueOrThrow({ where: { email: BASELINE_EMAILS.learner } });
  assert.equal(demo.id, BASELINE_IDS.learner);
  const before = await rollUpProgress(prisma, BASELINE_IDS.learner, BASELINE_IDS.material);
  assert.ok(before.sessions_completed >= 1, 'the baseline has a completed session');

  const session = await factories.learningSession.create({
    learnerId: BASELINE_IDS.learner,
    materialId: BASELINE_IDS.material,
  });
  await recordInteraction(prisma, { sessionId: session.id, type: 'ANSWER', payload: { correct: true } });
  await completeSession(prisma, session.id);
  const after = await rollUpProgress(prisma, BASELINE_IDS.learner, BASELINE_IDS.material);

  assert.equal(after.sessions_completed, before.sessions_completed + 1);
}

export async function seedingTheBaselineAgainChangesNoRow({ prisma }: ScenarioContext): Promise<void> {
  await seedBaseline(prisma);
  const snapshot = () =>
    Promise.all([
      prisma.user.findMany({
        where: { id: { in: [BASELINE_IDS.admin, BASELINE_IDS.learner] } },
        orderBy: { id: 'asc' },
      }),
      prisma.studyMaterial.findUnique({ where: { id: BASELINE_IDS.material } }),
    ]);
  const first = await snapshot();

  await seedBaseline(prisma);

  assert.deepEqual(await snapshot(), first);
  assert.deepEqual(first[0].map(({ email }) => email).sort(), [BASELINE_EMAILS.admin, BASELINE_EMAILS.learner].sort());
}

// ─── Real commits: a second client (committing.test.ts) ────────────────────

export async function aSecondClientSeesACommittedRating({ prisma, factories, url }: ScenarioContext): Promise<void> {
  const summary = await factories.generatedAsset.summary().create();
  const learner = await factories.learner.create();

  await rateAsset(prisma, { userId: learner.id, assetId: summary.id, rating: 5 });

  // Another process of the backend (the reporting job, say) on a connection of its own.
  const reporting = createPrismaClient({ url });
  try {
    assert.deepEqual(await averageRating(reporting, summary.id), { average: 5, ratings: 1 });
  } finally {
    await reporting.$disconnect();
  }
}

export async function aRollUpJobOnItsOwnConnectionSeesACompletedSession({
  prisma,
  factories,
  url,
}: ScenarioContext): Promise<void> {
  const session = await factories.learningSession.create();
  await recordInteraction(prisma, { sessionId: session.id, type: 'ANSWER', payload: { correct: false } });
  await completeSession(prisma, session.id);

  // The nightly roll-up runs in a worker process, with a client of its own.
  const worker = createPrismaClient({ url });
  try {
    const progress = await rollUpProgress(worker, session.learnerId, session.materialId);
    assert.deepEqual(progress, { sessions_completed: 1, mastery: 0, accuracy: 0, coverage: 0 });
  } finally {
    await worker.$disconnect();
  }
  assert.equal(await prisma.progressMetric.count({ where: { userId: session.learnerId } }), 4);
}
