import { buildLearner, withDatabase } from '@ctoprojects/fixtures';
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';

describe('the db fixture', () => {
  test('gives each test a migrated database', async ({ db }) => {
    await db.prisma.user.create({ data: buildLearner({ displayName: 'Ada' }) });
    expect(await db.prisma.user.count()).toBe(1);
  });

  test('rolls back what the previous test wrote', async ({ db }) => {
    expect(await db.prisma.user.count()).toBe(0);
  });

  test('creates graphs through the factories', async ({ db }) => {
    const material = await db.factories.studyMaterial.withChunks(5).create();
    const learner = await db.factories.learner.withSessions(2, { material, status: 'COMPLETED' }).create();
    expect(await db.prisma.contentChunk.count({ where: { materialId: material.id } })).toBe(5);
    expect(await db.prisma.learningSession.count({ where: { learnerId: learner.id, status: 'COMPLETED' } })).toBe(2);
  });

  test("runs the application's own $transaction inside the test's", async ({ db }) => {
    await db.prisma.$transaction(async (tx) => {
      await tx.user.create({ data: buildLearner() });
    });
    // A transaction of the application that fails undoes its own work, and only that.
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: buildLearner() });
        throw new Error('the application changed its mind');
      }),
    ).rejects.toThrow('the application changed its mind');
    expect(await db.prisma.user.count()).toBe(1);
  });
});

test('withDatabase gives a database of its own, beside the fixture', async ({ db }) => {
  const count = await withDatabase(async ({ prisma }) => {
    await prisma.user.create({ data: buildLearner() });
    return prisma.user.count();
  });
  expect(count).toBe(1);
  expect(await db.prisma.user.count()).toBe(0);
});
