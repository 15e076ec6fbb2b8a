/**
 * What deleting a row does to the rows that reference it, as the "Delete behaviour"
 * section of docs/database/schema.md states it: each parent is deleted through Prisma
 * from a known graph of rows, and the rows left behind are counted.
 */
import {
  AssetKind,
  createPrismaClient,
  InteractionType,
  MaterialSourceType,
  type PrismaClient,
} from '@ctoprojects/fixtures';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase, rowCounts, type TestDatabase } from '../support/databases.ts';

let database: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await migratedDatabase();
  prisma = createPrismaClient({ url: database.url });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

// ─── The graph every test starts from ───────────────────────────────────────

interface MaterialTree {
  readonly id: string;
  /** Ordinals 0 and 1. */
  readonly chunkIds: readonly [string, string];
  /** Generated from chunk 0. */
  readonly flashcardId: string;
  /** Generated from the whole material (no chunk). */
  readonly summaryId: string;
}

interface Graph {
  readonly author: string;
  readonly learner: string;
  /** Owned by the author. */
  readonly authorsMaterial: MaterialTree;
  /** Owned by the learner. */
  readonly learnersMaterial: MaterialTree;
  /** One session per user per material. */
  readonly sessions: {
    readonly authorOnAuthors: string;
    readonly learnerOnAuthors: string;
    readonly authorOnLearners: string;
    readonly learnerOnLearners: string;
  };
}

async function materialTree(ownerId: string, title: string): Promise<MaterialTree> {
  const material = await prisma.studyMaterial.create({
    data: { ownerId, title, sourceType: MaterialSourceType.TEXT },
  });
  const chunks = await Promise.all(
    [0, 1].map((ordinal) =>
      prisma.contentChunk.create({
        data: { materialId: material.id, ordinal, text: `${title}, part ${ordinal + 1}.`, tokenCount: 4 },
      }),
    ),
  );
  const [first, second] = chunks.map((chunk) => chunk.id);
  if (first === undefined || second === undefined) throw new Error('expected two chunks');
  const model = { modelName: 'tutor-llm', modelVersion: '2026-01' };
  const flashcard = await prisma.generatedAsset.create({
    data: {
      materialId: material.id,
      chunkId: first,
      kind: AssetKind.FLASHCARD,
      payload: { front: 'Q', back: 'A' },
      ...model,
    },
  });
  const summary = await prisma.generatedAsset.create({
    data: { materialId: material.id, kind: AssetKind.SUMMARY, payload: { text: `About ${title}.` }, ...model },
  });
  return { id: material.id, chunkIds: [first, second], flashcardId: flashcard.id, summaryId: summary.id };
}

/**
 * A session of `learnerId` on `material` with two interactions (a chunk view and a card flip
 * on the material's flashcard), the learner's rating of that flashcard and their progress on it.
 */
async function study(learnerId: string, material: MaterialTree): Promise<string> {
  const session = await prisma.learningSession.create({
    data: {
      learnerId,
      materialId: material.id,
      interactions: {
        create: [
          { type: InteractionType.VIEW_CHUNK, payload: { chunkId: material.chunkIds[0], ordinal: 0 } },
          { type: InteractionType.FLIP_CARD, assetId: material.flashcardId },
        ],
      },
    },
  });
  await prisma.userFeedback.create({ data: { userId: learnerId, assetId: material.flashcardId, rating: 4 } });
  await prisma.progressMetric.create({
    data: { userId: learnerId, materialId: material.id, metric: 'mastery', value: 0.5 },
  });
  return session.id;
}

/** Two users, each owning a material, each studying both; three audit rows. */
async function buildGraph(): Promise<Graph> {
  const author = (await prisma.user.create({ data: { email: 'author@example.dev', displayName: 'Ada Author' } })).id;
  const learner = (await prisma.user.create({ data: { email: 'learner@example.dev', displayName: 'Lin Learner' } })).id;
  const authorsMaterial = await materialTree(author, 'Cell biology');
  const learnersMaterial = await materialTree(learner, 'Organic chemistry');
  const sessions = {
    authorOnAuthors: await study(author, authorsMaterial),
    learnerOnAuthors: await study(learner, authorsMaterial),
    authorOnLearners: await study(author, learnersMaterial),
    learnerOnLearners: await study(learner, learnersMaterial),
  };
  await prisma.auditLog.createMany({
    data: [
      { actorId: author, action: 'material.create', entityType: 'StudyMaterial', entityId: authorsMaterial.id },
      { actorId: learner, action: 'material.create', entityType: 'StudyMaterial', entityId: learnersMaterial.id },
      { actorId: null, action: 'user.invite', entityType: 'User', entityId: learner },
    ],
  });
  return { author, learner, authorsMaterial, learnersMaterial, sessions };
}

const FULL_GRAPH = {
  users: 2,
  studyMaterials: 2,
  contentChunks: 4,
  generatedAssets: 4,
  learningSessions: 4,
  interactions: 8,
  userFeedback: 4,
  progressMetrics: 4,
  auditLogs: 3,
};

let graph: Graph;

beforeEach(async () => {
  await prisma.$executeRaw`TRUNCATE users, study_materials, content_chunks, generated_assets, learning_sessions,
    interactions, user_feedback, progress_metrics, audit_logs`;
  graph = await buildGraph();
  expect(await rowCounts(prisma)).toEqual(FULL_GRAPH);
});

// ─── The catalogue ──────────────────────────────────────────────────────────

/** The "ON DELETE by foreign key" table of the doc. */
const DOCUMENTED_ON_DELETE = {
  audit_logs_actor_id_fkey: 'SET NULL',
  content_chunks_material_id_fkey: 'CASCADE',
  generated_assets_chunk_id_fkey: 'SET NULL',
  generated_assets_material_id_fkey: 'CASCADE',
  interactions_asset_id_fkey: 'SET NULL',
  interactions_session_id_fkey: 'CASCADE',
  learning_sessions_learner_id_fkey: 'CASCADE',
  learning_sessions_material_id_fkey: 'CASCADE',
  progress_metrics_material_id_fkey: 'CASCADE',
  progress_metrics_user_id_fkey: 'CASCADE',
  study_materials_owner_id_fkey: 'CASCADE',
  user_feedback_asset_id_fkey: 'CASCADE',
  user_feedback_user_id_fkey: 'CASCADE',
};

describe('the foreign keys', () => {
  it('have the ON DELETE actions the doc lists, none RESTRICT or NO ACTION, and all ON UPDATE CASCADE', async () => {
    const rows = await prisma.$queryRaw<{ name: string; onDelete: string; onUpdate: string }[]>`
      SELECT conname AS name,
             CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT'
                              WHEN 'a' THEN 'NO ACTION' WHEN 'd' THEN 'SET DEFAULT' END AS "onDelete",
             CASE confupdtype WHEN 'c' THEN 'CASCADE' ELSE confupdtype::text END AS "onUpdate"
      FROM pg_constraint
      WHERE contype = 'f' AND connamespace = 'public'::regnamespace
      ORDER BY conname`;

    expect(Object.fromEntries(rows.map((row) => [row.name, row.onDelete]))).toEqual(DOCUMENTED_ON_DELETE);
    expect(new Set(rows.map((row) => row.onUpdate))).toEqual(new Set(['CASCADE']));
  });

  it('each lead an index on the child table, so a parent delete does not scan it', async () => {
    const unindexed = await prisma.$queryRaw<{ name: string }[]>`
      SELECT c.conname AS name FROM pg_constraint c
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])`;

    expect(unindexed).toEqual([]);
  });
});

// ─── Deleting each kind of parent ───────────────────────────────────────────

describe('deleting a user', () => {
  it("removes the materials they own (study_materials_owner_id_fkey CASCADE), and no one else's", async () => {
    await prisma.user.delete({ where: { id: graph.author } });

    expect(await prisma.studyMaterial.count({ where: { ownerId: graph.author } })).toBe(0);
    expect(await prisma.studyMaterial.count({ where: { ownerId: graph.learner } })).toBe(1);
  });

  it("removes their sessions and those sessions' interactions (learning_sessions_learner_id_fkey)", async () => {
    await prisma.user.delete({ where: { id: graph.author } });

    // A session on the learner's material, so only the learner_id cascade can have removed it.
    expect(await prisma.learningSession.count({ where: { id: graph.sessions.authorOnLearners } })).toBe(0);
    expect(await prisma.interaction.count({ where: { sessionId: graph.sessions.authorOnLearners } })).toBe(0);
    expect(await prisma.learningSession.count({ where: { id: graph.sessions.learnerOnLearners } })).toBe(1);
  });

  it("removes their feedback on others' assets (user_feedback_user_id_fkey CASCADE)", async () => {
    await prisma.user.delete({ where: { id: graph.author } });

    expect(await prisma.userFeedback.count({ where: { userId: graph.author } })).toBe(0);
    expect(await prisma.userFeedback.count({ where: { assetId: graph.learnersMaterial.flashcardId } })).toBe(1);
  });

  it("removes their progress on others' materials (progress_metrics_user_id_fkey CASCADE)", async () => {
    await prisma.user.delete({ where: { id: graph.author } });

    expect(await prisma.progressMetric.count({ where: { userId: graph.author } })).toBe(0);
    expect(await prisma.progressMetric.count({ where: { materialId: graph.learnersMaterial.id } })).toBe(1);
  });

  it('keeps the audit rows they authored, with actor_id set to NULL (audit_logs_actor_id_fkey SET NULL)', async () => {
    await prisma.user.delete({ where: { id: graph.author } });

    expect(await prisma.auditLog.findMany({ where: { entityId: graph.authorsMaterial.id } })).toEqual([
      expect.objectContaining({ actorId: null, action: 'material.create' }),
    ]);
    expect(await prisma.auditLog.count({ where: { actorId: graph.learner } })).toBe(1);
    expect(await prisma.auditLog.count()).toBe(FULL_GRAPH.auditLogs);
  });

  it("removes, through their materials, other learners' sessions, interactions, progress and feedback", async () => {
    await prisma.user.delete({ where: { id: graph.author } });

    expect(await prisma.learningSession.count({ where: { learnerId: graph.learner } })).toBe(1);
    expect(await prisma.progressMetric.count({ where: { userId: graph.learner } })).toBe(1);
    expect(await prisma.userFeedback.count({ where: { userId: graph.learner } })).toBe(1);
    expect(await rowCounts(prisma)).toEqual({
      users: 1,
      studyMaterials: 1,
      contentChunks: 2,
      generatedAssets: 2,
      learningSessions: 1,
      interactions: 2,
      userFeedback: 1,
      progressMetrics: 1,
      auditLogs: 3,
    });
  });
});

describe('deleting a study material', () => {
  it('removes its chunks (content_chunks_material_id_fkey CASCADE)', async () => {
    await prisma.studyMaterial.delete({ where: { id: graph.authorsMaterial.id } });

    expect(await prisma.contentChunk.count({ where: { materialId: graph.authorsMaterial.id } })).toBe(0);
    expect(await prisma.contentChunk.count({ where: { materialId: graph.learnersMaterial.id } })).toBe(2);
  });

  it('removes its generated assets (generated_assets_material_id_fkey CASCADE) and their feedback', async () => {
    await prisma.studyMaterial.delete({ where: { id: graph.authorsMaterial.id } });

    expect(await prisma.generatedAsset.count({ where: { materialId: graph.authorsMaterial.id } })).toBe(0);
    expect(await prisma.userFeedback.count({ where: { assetId: graph.authorsMaterial.flashcardId } })).toBe(0);
  });

  it('removes its sessions (learning_sessions_material_id_fkey CASCADE) and their interactions', async () => {
    await prisma.studyMaterial.delete({ where: { id: graph.authorsMaterial.id } });

    expect(await prisma.learningSession.count({ where: { materialId: graph.authorsMaterial.id } })).toBe(0);
    const sessionIds = [graph.sessions.authorOnAuthors, graph.sessions.learnerOnAuthors];
    expect(await prisma.interaction.count({ where: { sessionId: { in: sessionIds } } })).toBe(0);
  });

  it('removes the progress on it (progress_metrics_material_id_fkey CASCADE)', async () => {
    await prisma.studyMaterial.delete({ where: { id: graph.authorsMaterial.id } });

    expect(await prisma.progressMetric.count({ where: { materialId: graph.authorsMaterial.id } })).toBe(0);
  });

  it('removes nothing outside its own tree: users, the other material and its rows, and audit rows stay', async () => {
    await prisma.studyMaterial.delete({ where: { id: graph.authorsMaterial.id } });

    expect(await rowCounts(prisma)).toEqual({
      users: 2,
      studyMaterials: 1,
      contentChunks: 2,
      generatedAssets: 2,
      learningSessions: 2,
      interactions: 4,
      userFeedback: 2,
      progressMetrics: 2,
      auditLogs: 3,
    });
  });

  it('keeps the audit row about it, whose entity_id now points at a row that is gone', async () => {
    await prisma.studyMaterial.delete({ where: { id: graph.authorsMaterial.id } });

    expect(await prisma.auditLog.count({ where: { entityId: graph.authorsMaterial.id } })).toBe(1);
  });

  it("only nulls asset_id on an interaction in another material's session that used one of its assets", async () => {
    // Breaks the soft rule "interactions.asset_id belongs to the session's material", which the database allows.
    const stray = await prisma.interaction.create({
      data: {
        sessionId: graph.sessions.learnerOnLearners,
        assetId: graph.authorsMaterial.flashcardId,
        type: InteractionType.VIEW_ASSET,
      },
    });

    await prisma.studyMaterial.delete({ where: { id: graph.authorsMaterial.id } });

    expect(await prisma.interaction.findUnique({ where: { id: stray.id } })).toMatchObject({
      sessionId: graph.sessions.learnerOnLearners,
      assetId: null,
    });
    expect(await prisma.interaction.count({ where: { sessionId: graph.sessions.learnerOnLearners } })).toBe(3);
  });
});

describe('deleting a content chunk', () => {
  it('keeps the asset made from it, with chunk_id set to NULL (generated_assets_chunk_id_fkey SET NULL)', async () => {
    const [chunkId] = graph.authorsMaterial.chunkIds;

    await prisma.contentChunk.delete({ where: { id: chunkId } });

    expect(await prisma.generatedAsset.findUnique({ where: { id: graph.authorsMaterial.flashcardId } })).toMatchObject({
      chunkId: null,
      materialId: graph.authorsMaterial.id,
    });
    expect(await rowCounts(prisma)).toEqual({ ...FULL_GRAPH, contentChunks: 3 });
  });
});

describe('deleting a generated asset', () => {
  it('removes its feedback (user_feedback_asset_id_fkey CASCADE)', async () => {
    await prisma.generatedAsset.delete({ where: { id: graph.authorsMaterial.flashcardId } });

    expect(await prisma.userFeedback.count({ where: { assetId: graph.authorsMaterial.flashcardId } })).toBe(0);
    expect(await prisma.userFeedback.count({ where: { assetId: graph.learnersMaterial.flashcardId } })).toBe(2);
  });

  it('keeps the interactions on it, with asset_id set to NULL (interactions_asset_id_fkey SET NULL)', async () => {
    const sessionIds = [graph.sessions.authorOnAuthors, graph.sessions.learnerOnAuthors];

    await prisma.generatedAsset.delete({ where: { id: graph.authorsMaterial.flashcardId } });

    expect(
      await prisma.interaction.findMany({ where: { sessionId: { in: sessionIds }, type: InteractionType.FLIP_CARD } }),
    ).toEqual([expect.objectContaining({ assetId: null }), expect.objectContaining({ assetId: null })]);
    expect(await rowCounts(prisma)).toEqual({ ...FULL_GRAPH, generatedAssets: 3, userFeedback: 2 });
  });
});

describe('deleting a learning session', () => {
  it('removes its interactions (interactions_session_id_fkey CASCADE) and nothing else', async () => {
    await prisma.learningSession.delete({ where: { id: graph.sessions.learnerOnAuthors } });

    expect(await prisma.interaction.count({ where: { sessionId: graph.sessions.learnerOnAuthors } })).toBe(0);
    expect(await rowCounts(prisma)).toEqual({ ...FULL_GRAPH, learningSessions: 3, interactions: 6 });
  });
});
