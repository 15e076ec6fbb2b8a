/**
 * `build` and `create`: plain rows that touch no database, rows created with
 * their parents, whole graphs in a few multi-row statements, and errors that
 * name the factory, the field and the value while leaving the database as it was.
 */
import {
  buildAuditLog,
  buildLearner,
  buildLearningSession,
  createFactories,
  createPrismaClient,
  FactoryError,
} from '@ctoprojects/fixtures';
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';
import { factoryProfile } from '../../src/factories/profile.ts';
import { rowCounts } from '../support/databases.ts';

/** INSERT statements the factories sent while `work` ran (FIXTURES_PROFILE counts them). */
async function statementsDuring(work: () => Promise<unknown>): Promise<number> {
  const total = () => factoryProfile().reduce((sum, row) => sum + row.statements, 0);
  const previous = process.env.FIXTURES_PROFILE;
  process.env.FIXTURES_PROFILE = '1';
  try {
    const before = total();
    await work();
    return total() - before;
  } finally {
    if (previous === undefined) delete process.env.FIXTURES_PROFILE;
    else process.env.FIXTURES_PROFILE = previous;
  }
}

describe('build', () => {
  test('returns rows that prisma.<model>.create accepts as they are, for models without required parents', async ({
    db,
  }) => {
    const learner = buildLearner({ displayName: 'Ada Lovelace' });
    const entry = buildAuditLog({ actorId: learner.id });

    await db.prisma.user.create({ data: learner });
    await db.prisma.auditLog.create({ data: entry });

    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: learner.id } })).toEqual(learner);
    expect((await db.prisma.auditLog.findUniqueOrThrow({ where: { id: entry.id } })).actorId).toBe(learner.id);
  });

  test('touches no database', async ({ db }) => {
    buildLearner();
    db.factories.studyMaterial.withChunks(5).buildList(3);

    expect(Object.values(await rowCounts(db.prisma))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('derives transient names into the display name and the email', () => {
    const ada = buildLearner({}, { transient: { firstName: 'Ada', lastName: "O'Neil" } });

    expect(ada.displayName).toBe("Ada O'Neil");
    expect(ada.email).toMatch(/^ada\.oneil\.[0-9a-z]{6}\d+@example\.test$/);
  });

  test('keeps a session consistent with its status: only an ACTIVE one is open', () => {
    expect(buildLearningSession()).toMatchObject({ status: 'ACTIVE', endedAt: null, score: null });
    expect(buildLearningSession({ status: 'ABANDONED' })).toMatchObject({ status: 'ABANDONED', score: null });
    const completed = buildLearningSession({ status: 'COMPLETED' }, { transient: { minutes: 25 } });
    expect((completed.endedAt?.getTime() ?? 0) - completed.startedAt.getTime()).toBe(25 * 60_000);
    expect(completed.score).toBeGreaterThanOrEqual(40);
  });
});

describe('create', () => {
  test('creates the required parents when they are not given: a session gets a learner and a material', async ({
    db,
  }) => {
    const session = await db.factories.learningSession.create();

    const stored = await db.prisma.learningSession.findUniqueOrThrow({
      where: { id: session.id },
      include: { learner: true, material: { include: { owner: true } } },
    });
    expect(stored.learner.role).toBe('LEARNER');
    expect(stored.material.owner.id).not.toBe(stored.learner.id);
    expect(session).toEqual({ ...stored, learner: undefined, material: undefined, ...session });
  });

  test('reuses the parents it is given', async ({ db }) => {
    const learner = await db.factories.learner.create();
    const material = await db.factories.studyMaterial.create({ ownerId: learner.id });

    await db.factories.learningSession.createList(3, { learnerId: learner.id, materialId: material.id });

    expect(await db.prisma.user.count()).toBe(1);
    expect(await db.prisma.learningSession.count({ where: { learnerId: learner.id, materialId: material.id } })).toBe(
      3,
    );
  });

  test('returns what PostgreSQL stored, in the order asked', async ({ db }) => {
    const chunks = await db.factories.contentChunk.createList(5);

    const stored = await db.prisma.contentChunk.findMany({ where: { id: { in: chunks.map((chunk) => chunk.id) } } });
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual(
      [...chunks.map((chunk) => chunk.ordinal)].sort((a, b) => a - b),
    );
    expect(new Set(stored.map((row) => JSON.stringify(row)))).toEqual(
      new Set(chunks.map((row) => JSON.stringify(row))),
    );
  });

  test('a learner with two completed sessions on this material', async ({ db }) => {
    const material = await db.factories.studyMaterial.withChunks(3).create();

    const learner = await db.factories.learner.withSessions(2, { material, status: 'COMPLETED' }).create();

    const sessions = await db.prisma.learningSession.findMany({ where: { learnerId: learner.id } });
    expect(sessions.map((session) => [session.materialId, session.status])).toEqual([
      [material.id, 'COMPLETED'],
      [material.id, 'COMPLETED'],
    ]);
    expect(await db.prisma.contentChunk.count({ where: { materialId: material.id } })).toBe(3);
  });

  test('a graph goes in level by level: 3 learners x 20 sessions, each on a material of their own, in 5 statements', async ({
    db,
  }) => {
    const statements = await statementsDuring(() => db.factories.learner.withSessions(20).createList(3));

    expect(await rowCounts(db.prisma)).toMatchObject({ users: 3, studyMaterials: 3, learningSessions: 60 });
    // learners, then materials, then sessions (their materials' owners are the learners: no extra level).
    expect(statements).toBe(3);
  });

  test('10,000 chunks for one material in 2 statements of 5,000, with ordinals 0…9,999', async ({ db }) => {
    let material = { id: '' };
    const statements = await statementsDuring(async () => {
      material = await db.factories.studyMaterial.withChunks(10_000).create();
    });

    const ordinals = await db.prisma.contentChunk.aggregate({
      where: { materialId: material.id },
      _count: true,
      _min: { ordinal: true },
      _max: { ordinal: true },
    });
    expect(ordinals).toMatchObject({ _count: 10_000, _min: { ordinal: 0 }, _max: { ordinal: 9_999 } });
    // The material's owner, the material, then two statements of chunks.
    expect(statements).toBe(4);
  });

  test('learner and admin share one sequence: their emails never meet', async ({ db }) => {
    const users = [
      ...(await db.factories.learner.createList(50)),
      ...(await db.factories.admin.createList(50)),
      ...(await db.factories.learner.withSessions(1).createList(50)),
    ];

    expect(new Set(users.map((user) => user.email.toLowerCase())).size).toBe(150);
    expect(await db.prisma.user.count({ where: { role: 'ADMIN' } })).toBe(50);
  });
});

describe('bad input', () => {
  test('a unique value forced twice names the factory, the field and the value, and writes nothing', async ({ db }) => {
    const taken = await db.factories.learner.create();
    const before = await rowCounts(db.prisma);

    const error = await db.factories.learner
      .withSessions(2)
      .create({ email: taken.email.toUpperCase() })
      .catch((e) => e);

    expect(error).toBeInstanceOf(FactoryError);
    expect(error.message).toBe(
      `learner factory: email ${JSON.stringify(taken.email.toUpperCase())} is already taken in users (unique constraint users_email_lower_key): leave email out to get a unique value, or pass a different one. Nothing was written.`,
    );
    expect(await rowCounts(db.prisma)).toEqual(before);
  });

  test('a relation id that does not exist names the field and the value, and leaves no parent behind', async ({
    db,
  }) => {
    const missing = '00000000-0000-4000-8000-00000000dead';

    const error = await db.factories.learningSession.create({ learnerId: missing }).catch((e) => e);

    expect(error).toBeInstanceOf(FactoryError);
    expect(error.message).toContain(`learningSession factory: learnerId "${missing}" does not exist`);
    expect(error.message).toContain('leave learnerId out and the factory creates one');
    expect(await rowCounts(db.prisma)).toMatchObject({ users: 0, studyMaterials: 0, learningSessions: 0 });
  });

  test('a field the model does not have is refused before any database work', async ({ db }) => {
    // A compile error in TypeScript; JavaScript callers (and casts) get this.
    const overrides = { nickname: 'ada' } as unknown as Parameters<typeof db.factories.learner.create>[0];

    await expect(db.factories.learner.create(overrides)).rejects.toThrow(
      'learner factory: "nickname" is not a field of users; its fields are id, email, displayName, role, createdAt, updatedAt.',
    );
    expect(() => buildLearner(overrides)).toThrow(FactoryError);
  });

  test('a value the schema refuses names the constraint, the field and the value', async ({ db }) => {
    await expect(db.factories.userFeedback.create({ rating: 9 })).rejects.toThrow(
      'userFeedback factory: rating 9 breaks CHECK constraint user_feedback_rating_check of user_feedback (see docs/database/schema.md): pass a rating the constraint allows, or leave rating out. Nothing was written.',
    );
    await expect(db.factories.learner.create({ email: 'ada-at-example.test' })).rejects.toThrow(
      'learner factory: email "ada-at-example.test" breaks CHECK constraint users_email_check of users',
    );
    await expect(db.factories.userFeedback.createEach([{ rating: 1 }, { rating: 9 }, { rating: 4 }])).rejects.toThrow(
      "rating (one of the 3 rows' values: 1, 9, 4) breaks CHECK constraint user_feedback_rating_check",
    );
    expect(await rowCounts(db.prisma)).toMatchObject({ users: 0, generatedAssets: 0, userFeedback: 0 });
  });

  // A compile error in TypeScript; JavaScript callers (and casts) get these. The factories are bound to a
  // client of a closed port: any database work would fail with a connection error, not a FactoryError.
  const unreachable = () => createFactories(createPrismaClient({ url: 'postgresql://nobody:x@127.0.0.1:1/none' }));
  const loosely = (overrides: Record<string, unknown>) => overrides as never;

  test.each([
    [
      'userFeedback',
      { rating: '5' },
      'rating "5" is a string, but the rating column of user_feedback takes a whole number from -2147483648 to 2147483647 (Int)',
    ],
    [
      'userFeedback',
      { rating: 4.5 },
      'rating 4.5 is a fractional number, but the rating column of user_feedback takes a whole number',
    ],
    ['learner', { email: 42 }, 'email 42 is a whole number, but the email column of users takes a string'],
    [
      'learner',
      { role: 'OWNER' },
      `role "OWNER" is a string, but the role column of users takes one of 'ADMIN', 'LEARNER' (the enum UserRole)`,
    ],
    [
      'learner',
      { createdAt: 'yesterday' },
      'createdAt "yesterday" is a string, but the createdAt column of users takes a valid Date, or an ISO 8601 string (DateTime)',
    ],
    ['learner', { createdAt: new Date(Number.NaN) }, 'createdAt a Date (invalid) is an invalid Date'],
    [
      'progressMetric',
      { value: Number.NaN },
      'value NaN is NaN, but the value column of progress_metrics takes a number (Float)',
    ],
    [
      'studyMaterial',
      { metadata: () => 1 },
      'metadata a function is a function, but the metadata column of study_materials takes a JSON value',
    ],
  ] as const)(
    '%s %o, a value of the wrong type, is refused before any database work, naming the field and the value',
    async (factory, overrides, message) => {
      const factories = unreachable();

      const error = await factories[factory].create(loosely(overrides)).catch((e) => e);

      expect(error).toBeInstanceOf(FactoryError);
      expect(error.message).toContain(`${factory} factory: ${message}`);
      expect(error.message).toMatch(/: pass one, or leave \w+ out to get a generated value\. Nothing was written\.$/);
    },
  );

  test('a wrong type is refused in build, createEach and params too, and the right types pass', async ({ db }) => {
    expect(() => buildLearner(loosely({ email: 42 }))).toThrow('learner factory: email 42 is a whole number');
    await expect(db.factories.userFeedback.createEach([{ rating: 2 }, loosely({ rating: '5' })])).rejects.toThrow(
      'rating "5" is a string',
    );
    expect(() => db.factories.userFeedback.params(loosely({ rating: '5' }))).toThrow('rating "5" is a string');
    expect(await rowCounts(db.prisma)).toMatchObject({ users: 0, userFeedback: 0 });

    const feedback = await db.factories.userFeedback.create({ rating: 5, comment: null });
    const material = await db.factories.studyMaterial.create(loosely({ metadata: { tags: ['a', undefined], n: 1 } }));
    const session = await db.factories.learningSession.create({ startedAt: '2026-02-01T10:00:00Z' as never });
    expect([feedback.rating, feedback.comment]).toEqual([5, null]);
    expect(material.metadata).toMatchObject({ tags: ['a', null], n: 1 });
    expect(session.startedAt).toEqual(new Date('2026-02-01T10:00:00Z'));
  });

  type Unreachable = ReturnType<typeof unreachable>;
  test.each<[string, string, (factories: Unreachable) => unknown]>([
    ['createList', '-1', (f) => f.learner.createList(-1)],
    ['createList', '2.5', (f) => f.learner.createList(2.5)],
    ['createList', 'NaN', (f) => f.learner.createList(Number.NaN)],
    ['createList', '"3"', (f) => f.learner.createList('3' as never)],
    ['buildList', '-2', (f) => f.learner.buildList(-2)],
    ['withSessions', '-1', (f) => f.learner.withSessions(-1).create()],
    ['withChunks', '1.5', (f) => f.studyMaterial.withChunks(1.5).create()],
    ['withAssets', 'NaN', (f) => f.studyMaterial.withAssets(Number.NaN).create()],
    ['withInteractions', '-3', (f) => f.learningSession.withInteractions(-3).create()],
  ])('%s(%s) is refused, naming the call and the argument, before any database work', async (call, shown, run) => {
    const error = await Promise.resolve()
      .then(() => run(unreachable()))
      .catch((e: Error) => e);

    expect(error).toBeInstanceOf(FactoryError);
    expect((error as Error).message).toMatch(/^\w+ factory: /);
    expect((error as Error).message).toContain(
      `${call}(count) needs a whole number of rows, 0 or more, as count; got ${shown}. Nothing was written.`,
    );
  });

  test("a trait's values are checked as overrides are, and its parents rolled back", async ({ db }) => {
    await expect(db.factories.studyMaterial.withAssets(1, loosely({}) as 'QUIZ').create()).rejects.toThrow(
      "generatedAsset factory: kind an object is an object, but the kind column of generated_assets takes one of 'FLASHCARD', 'QUIZ', 'SUMMARY', 'EXPLANATION' (the enum AssetKind)",
    );
    await expect(db.factories.learner.withSessions(1, { status: 'DONE' as 'ACTIVE' }).create()).rejects.toThrow(
      'learningSession factory: status "DONE" is a string',
    );
    expect(await rowCounts(db.prisma)).toMatchObject({ users: 0, studyMaterials: 0, generatedAssets: 0 });
  });

  test('createFactories refuses an option it does not have, naming it', ({ db }) => {
    expect(() => createFactories(db.prisma, loosely({ sed: 'x' }))).toThrow(
      'createFactories has no option "sed": its options are seed, schema.',
    );
    expect(() => createFactories(db.prisma, loosely({ seed: 42 }))).toThrow(
      'The seed option of createFactories is 42: give a string.',
    );
  });

  test('createList(0) creates nothing, and says nothing', async ({ db }) => {
    expect(await db.factories.learner.createList(0)).toEqual([]);
    expect(await db.prisma.user.count()).toBe(0);
  });

  test('a build-only factory says how to get one that creates', async () => {
    const { buildOnlyFactories } = await import('../../src/factories/factories.ts');

    await expect(buildOnlyFactories().learner.create()).rejects.toThrow(
      'learner factory: this factory only builds: create through factories bound to a client, createFactories(prisma) or the db fixture (ctx.factories).',
    );
  });
});
