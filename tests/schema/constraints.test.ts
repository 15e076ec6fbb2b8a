/**
 * The data model's CHECK constraints, unique constraints and database defaults, as
 * docs/database/schema.md specifies them: each constraint rejects a bad row and names
 * itself in the error, and the good row next to it is accepted.
 */
import {
  AssetKind,
  createPrismaClient,
  InteractionType,
  MaterialSourceType,
  MaterialStatus,
  Prisma,
  type PrismaClient,
  SessionStatus,
  UserRole,
} from '@ctoprojects/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_TABLES, migratedDatabase, type TestDatabase } from '../support/databases.ts';

// ─── How a rejected write is observed ───────────────────────────────────────

interface Violation {
  /** Prisma's code: P2039 for a CHECK violation, P2002 for a unique one. */
  readonly prismaCode: string;
  /** PostgreSQL's SQLSTATE. */
  readonly sqlState: string | undefined;
  /** The constraint PostgreSQL names in its message. */
  readonly constraint: string | undefined;
}

const checkViolation = (constraint: string): Violation => ({ prismaCode: 'P2039', sqlState: '23514', constraint });
const uniqueViolation = (constraint: string): Violation => ({ prismaCode: 'P2002', sqlState: '23505', constraint });

interface DriverAdapterCause {
  readonly originalCode?: string;
  readonly originalMessage?: string;
}

/**
 * How the database refused `write`, read from the PostgreSQL error that Prisma carries
 * (not from Prisma's message, which quotes the test's own source around the call site).
 * Fails the test if the write was accepted.
 */
async function rejectionOf(write: PromiseLike<unknown>): Promise<Violation> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError)) throw error;
    const cause = (error.meta?.driverAdapterError as { cause?: DriverAdapterCause } | undefined)?.cause;
    return {
      prismaCode: error.code,
      sqlState: cause?.originalCode,
      constraint: /constraint "([^"]+)"/.exec(cause?.originalMessage ?? '')?.[1],
    };
  }
  return expect.unreachable('the database accepted a row it should have rejected');
}

// ─── Rows under test ────────────────────────────────────────────────────────

let database: TestDatabase;
let prisma: PrismaClient;

/** Parents shared by the rows under test. */
let ownerId: string;
let materialId: string;
let assetId: string;
let sessionId: string;

let serial = 0;
/** A value that no other row in this file uses. */
const fresh = (prefix: string): string => `${prefix}-${++serial}`;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NINE_AM = new Date('2026-03-02T09:00:00.000Z');
const TEN_AM = new Date('2026-03-02T10:00:00.000Z');

const newUser = (data: Partial<Prisma.UserUncheckedCreateInput> = {}) =>
  prisma.user.create({ data: { email: `${fresh('learner')}@example.dev`, displayName: 'Ada Learner', ...data } });

const newMaterial = (data: Partial<Prisma.StudyMaterialUncheckedCreateInput> = {}) =>
  prisma.studyMaterial.create({
    data: { ownerId, title: 'Cell biology', sourceType: MaterialSourceType.TEXT, ...data },
  });

/** Ordinals come from `serial`, which starts at 1, so ordinal 0 of the shared material stays free. */
const newChunk = (data: Partial<Prisma.ContentChunkUncheckedCreateInput> = {}) =>
  prisma.contentChunk.create({
    data: { materialId, ordinal: ++serial, text: 'Mitochondria make ATP.', tokenCount: 5, ...data },
  });

const newAsset = (data: Partial<Prisma.GeneratedAssetUncheckedCreateInput> = {}) =>
  prisma.generatedAsset.create({
    data: {
      materialId,
      kind: AssetKind.FLASHCARD,
      payload: { front: 'What makes ATP?', back: 'Mitochondria' },
      modelName: 'tutor-llm',
      modelVersion: '2026-01',
      ...data,
    },
  });

const newSession = (data: Partial<Prisma.LearningSessionUncheckedCreateInput> = {}) =>
  prisma.learningSession.create({ data: { learnerId: ownerId, materialId, ...data } });

const newInteraction = (data: Partial<Prisma.InteractionUncheckedCreateInput> = {}) =>
  prisma.interaction.create({ data: { sessionId, type: InteractionType.VIEW_CHUNK, ...data } });

/** Each rating comes from a new user, so the one-rating-per-user-per-asset key stays out of the way. */
const newFeedback = async (data: Partial<Prisma.UserFeedbackUncheckedCreateInput> = {}) =>
  prisma.userFeedback.create({ data: { userId: (await newUser()).id, assetId, rating: 4, ...data } });

const newProgress = (data: Partial<Prisma.ProgressMetricUncheckedCreateInput> = {}) =>
  prisma.progressMetric.create({
    data: { userId: ownerId, materialId, metric: fresh('mastery'), value: 0.5, ...data },
  });

const newAuditLog = (data: Partial<Prisma.AuditLogUncheckedCreateInput> = {}) =>
  prisma.auditLog.create({
    data: {
      actorId: ownerId,
      action: 'material.create',
      entityType: 'StudyMaterial',
      entityId: materialId,
      after: { title: 'Cell biology' },
      ...data,
    },
  });

beforeAll(async () => {
  database = await migratedDatabase();
  prisma = createPrismaClient({ url: database.url });
  ownerId = (await newUser({ displayName: 'Olga Owner' })).id;
  materialId = (await newMaterial()).id;
  assetId = (await newAsset()).id;
  sessionId = (await newSession()).id;
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

// ─── The catalogue ──────────────────────────────────────────────────────────

/** The "Hand-added SQL" table of the doc, less the lower(email) index. */
const DOCUMENTED_CHECKS = [
  'audit_logs_action_check',
  'audit_logs_after_check',
  'audit_logs_before_check',
  'audit_logs_entity_type_check',
  'content_chunks_ordinal_check',
  'content_chunks_text_check',
  'content_chunks_token_count_check',
  'generated_assets_model_name_check',
  'generated_assets_model_version_check',
  'generated_assets_payload_check',
  'interactions_payload_check',
  'learning_sessions_ended_at_check',
  'learning_sessions_score_check',
  'learning_sessions_status_check',
  'progress_metrics_metric_check',
  'progress_metrics_value_check',
  'study_materials_metadata_check',
  'study_materials_source_uri_check',
  'study_materials_title_check',
  'study_materials_url_source_check',
  'user_feedback_comment_check',
  'user_feedback_rating_check',
  'users_display_name_check',
  'users_email_check',
];

const DOCUMENTED_UNIQUE_INDEXES = [
  'content_chunks_material_id_ordinal_key',
  'progress_metrics_user_id_material_id_metric_key',
  'user_feedback_user_id_asset_id_key',
  'users_email_key',
  'users_email_lower_key',
];

describe('the constraint catalogue', () => {
  it('holds exactly the CHECK constraints the doc lists, each of which is exercised below', async () => {
    const rows = await prisma.$queryRaw<{ name: string }[]>`
      SELECT conname AS name FROM pg_constraint
      WHERE contype = 'c' AND connamespace = 'public'::regnamespace
      ORDER BY conname`;

    expect(rows.map((row) => row.name)).toEqual(DOCUMENTED_CHECKS);
  });

  it('holds exactly the unique indexes the doc lists, besides the primary keys', async () => {
    const rows = await prisma.$queryRaw<{ name: string }[]>`
      SELECT indexname AS name FROM pg_indexes
      WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%' AND indexname NOT LIKE '%\_pkey'
      ORDER BY indexname`;

    expect(rows.map((row) => row.name)).toEqual(DOCUMENTED_UNIQUE_INDEXES);
  });

  it.each([
    { type: 'user_role', values: ['ADMIN', 'LEARNER'], client: UserRole },
    { type: 'material_source_type', values: ['UPLOAD', 'URL', 'TEXT'], client: MaterialSourceType },
    { type: 'material_status', values: ['DRAFT', 'PROCESSING', 'READY', 'FAILED', 'ARCHIVED'], client: MaterialStatus },
    { type: 'asset_kind', values: ['FLASHCARD', 'QUIZ', 'SUMMARY', 'EXPLANATION'], client: AssetKind },
    { type: 'session_status', values: ['ACTIVE', 'COMPLETED', 'ABANDONED'], client: SessionStatus },
    {
      type: 'interaction_type',
      values: ['VIEW_CHUNK', 'VIEW_ASSET', 'FLIP_CARD', 'ANSWER', 'SKIP'],
      client: InteractionType,
    },
  ])('has the enum type $type with the values the doc lists, as the client does', async ({ type, values, client }) => {
    const rows = await prisma.$queryRaw<{ label: string }[]>`
      SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
      WHERE t.typname = ${type} ORDER BY e.enumsortorder`;

    expect(rows.map((row) => row.label)).toEqual(values);
    expect(Object.values(client)).toEqual(values);
  });
});

// ─── Defaults ───────────────────────────────────────────────────────────────

describe('database defaults', () => {
  it.each(DATA_TABLES)('%s.id defaults to gen_random_uuid()', async (table) => {
    const [column] = await prisma.$queryRaw<{ type: string; nullable: string; default: string | null }[]>`
      SELECT data_type AS type, is_nullable AS nullable, column_default AS default
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table} AND column_name = 'id'`;

    expect(column).toEqual({ type: 'uuid', nullable: 'NO', default: 'gen_random_uuid()' });
  });

  it('makes every timestamp timestamptz(3) NOT NULL DEFAULT now(), except nullable ended_at', async () => {
    const columns = await prisma.$queryRaw<{ column: string; precision: number; nullable: string; default: string }[]>`
      SELECT table_name || '.' || column_name AS column, datetime_precision AS precision,
             is_nullable AS nullable, coalesce(column_default, '(none)') AS default
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        AND data_type = 'timestamp with time zone'
      ORDER BY table_name, column_name`;

    const set = { precision: 3, nullable: 'NO', default: 'CURRENT_TIMESTAMP' };
    expect(columns).toEqual([
      { column: 'audit_logs.occurred_at', ...set },
      { column: 'content_chunks.created_at', ...set },
      { column: 'generated_assets.created_at', ...set },
      { column: 'interactions.occurred_at', ...set },
      { column: 'learning_sessions.ended_at', precision: 3, nullable: 'YES', default: '(none)' },
      { column: 'learning_sessions.started_at', ...set },
      { column: 'progress_metrics.recorded_at', ...set },
      { column: 'study_materials.created_at', ...set },
      { column: 'study_materials.updated_at', ...set },
      { column: 'user_feedback.created_at', ...set },
      { column: 'user_feedback.updated_at', ...set },
      { column: 'users.created_at', ...set },
      { column: 'users.updated_at', ...set },
    ]);
  });

  it('gives a raw-SQL user a random UUID, created_at and updated_at of now(), and the LEARNER role', async () => {
    const email = `${fresh('raw')}@example.dev`;
    const [user] = await prisma.$queryRaw<{ id: string; role: string; createdNow: boolean; updatedNow: boolean }[]>`
      WITH inserted AS (INSERT INTO users (email, display_name) VALUES (${email}, 'Raw Insert') RETURNING *)
      SELECT id::text AS id, role::text AS role,
             created_at = now()::timestamptz(3) AS "createdNow", updated_at = now()::timestamptz(3) AS "updatedNow"
      FROM inserted`;

    expect(user?.id).toMatch(UUID_V4);
    expect(user).toMatchObject({ role: UserRole.LEARNER, createdNow: true, updatedNow: true });
  });

  it('makes a user created through Prisma a LEARNER', async () => {
    expect(await newUser()).toMatchObject({ role: UserRole.LEARNER, id: expect.stringMatching(UUID_V4) });
  });

  it('gives rows from createMany their own database-made ids', async () => {
    const users = await prisma.user.createManyAndReturn({
      data: [
        { email: `${fresh('many')}@example.dev`, displayName: 'First' },
        { email: `${fresh('many')}@example.dev`, displayName: 'Second' },
      ],
    });

    expect(users.map((user) => user.id)).toEqual([expect.stringMatching(UUID_V4), expect.stringMatching(UUID_V4)]);
    expect(users[0]?.id).not.toBe(users[1]?.id);
  });

  it("starts a raw-SQL material as a DRAFT with metadata '{}'", async () => {
    const [material] = await prisma.$queryRaw<{ status: string; metadata: unknown }[]>`
      INSERT INTO study_materials (owner_id, title, source_type)
      VALUES (${ownerId}::uuid, 'Raw material', 'TEXT')
      RETURNING status::text AS status, metadata`;

    expect(material).toEqual({ status: MaterialStatus.DRAFT, metadata: {} });
  });

  it('starts a raw-SQL learning session ACTIVE, started now(), not ended and unscored', async () => {
    const [session] = await prisma.$queryRaw<
      { status: string; startedNow: boolean; endedAt: Date | null; score: number | null }[]
    >`
      INSERT INTO learning_sessions (learner_id, material_id) VALUES (${ownerId}::uuid, ${materialId}::uuid)
      RETURNING status::text AS status, started_at = now()::timestamptz(3) AS "startedNow",
                ended_at AS "endedAt", score`;

    expect(session).toEqual({ status: SessionStatus.ACTIVE, startedNow: true, endedAt: null, score: null });
  });

  it("gives a raw-SQL interaction the payload '{}' and an occurred_at of now()", async () => {
    const [interaction] = await prisma.$queryRaw<{ payload: unknown; occurredNow: boolean }[]>`
      INSERT INTO interactions (session_id, type) VALUES (${sessionId}::uuid, 'SKIP')
      RETURNING payload, occurred_at = now()::timestamptz(3) AS "occurredNow"`;

    expect(interaction).toEqual({ payload: {}, occurredNow: true });
  });

  it('bumps updated_at on an update made through Prisma', async () => {
    const longAgo = new Date('2020-01-01T00:00:00.000Z');
    const user = await newUser({ updatedAt: longAgo });

    const updated = await prisma.user.update({ where: { id: user.id }, data: { displayName: 'Renamed' } });

    expect(updated.updatedAt.getTime()).toBeGreaterThan(longAgo.getTime());
  });

  it('leaves updated_at alone on a raw-SQL UPDATE, because there is no trigger', async () => {
    const longAgo = new Date('2020-01-01T00:00:00.000Z');
    const user = await newUser({ updatedAt: longAgo });

    await prisma.$executeRaw`UPDATE users SET display_name = 'Renamed by SQL' WHERE id = ${user.id}::uuid`;

    expect(await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      displayName: 'Renamed by SQL',
      updatedAt: longAgo,
    });
  });
});

// ─── CHECK constraints, table by table ──────────────────────────────────────

describe('users', () => {
  it.each<{ row: string; data: Partial<Prisma.UserUncheckedCreateInput>; constraint: string }>([
    { row: 'an email without an @', data: { email: 'not-an-email' }, constraint: 'users_email_check' },
    { row: 'an email with two @', data: { email: 'ann@x@example.dev' }, constraint: 'users_email_check' },
    { row: 'an email with nothing before the @', data: { email: '@example.dev' }, constraint: 'users_email_check' },
    { row: 'an email with nothing after the @', data: { email: 'ann@' }, constraint: 'users_email_check' },
    { row: 'an email with a space in it', data: { email: 'ann lee@example.dev' }, constraint: 'users_email_check' },
    { row: 'an email with a trailing newline', data: { email: 'ann@example.dev\n' }, constraint: 'users_email_check' },
    { row: 'an empty email', data: { email: '' }, constraint: 'users_email_check' },
    { row: 'an empty display name', data: { displayName: '' }, constraint: 'users_display_name_check' },
    { row: 'a whitespace display name', data: { displayName: ' \t\n' }, constraint: 'users_display_name_check' },
  ])('rejects a user with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newUser(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.UserUncheckedCreateInput> }>([
    { row: 'a minimal email', data: { email: 'min@x' } },
    { row: 'a plus-tagged email', data: { email: 'first.last+tag@example.co.uk' } },
    { row: 'a mixed-case email, stored as written', data: { email: 'Mixed.Case@Example.dev' } },
    { row: 'a padded display name', data: { displayName: '  Ann  ' } },
    { row: 'the ADMIN role', data: { role: UserRole.ADMIN } },
  ])('accepts a user with $row', async ({ data }) => {
    expect(await newUser(data)).toMatchObject(data);
  });

  describe('email uniqueness', () => {
    it('rejects a second user with exactly the same email, naming users_email_key', async () => {
      await newUser({ email: 'twin@example.dev' });

      expect(await rejectionOf(newUser({ email: 'twin@example.dev' }))).toEqual(uniqueViolation('users_email_key'));
    });

    it.each([
      { first: 'a@x.dev', second: 'A@x.dev' },
      { first: 'SHOUT@EXAMPLE.DEV', second: 'shout@example.dev' },
      { first: 'camel.Case@example.dev', second: 'Camel.case@Example.DEV' },
    ])('rejects $second after $first, naming users_email_lower_key', async ({ first, second }) => {
      await newUser({ email: first });

      expect(await rejectionOf(newUser({ email: second }))).toEqual(uniqueViolation('users_email_lower_key'));
    });

    it('accepts a different email', async () => {
      await newUser({ email: 'b@x.dev' });

      expect(await newUser({ email: 'b2@x.dev' })).toMatchObject({ email: 'b2@x.dev' });
    });

    it('updates on an upsert by the exact spelling', async () => {
      await newUser({ email: 'ann@x.io', displayName: 'Ann' });

      const upserted = await prisma.user.upsert({
        where: { email: 'ann@x.io' },
        create: { email: 'ann@x.io', displayName: 'Ann (new)' },
        update: { displayName: 'Ann (updated)' },
      });

      expect(upserted).toMatchObject({ email: 'ann@x.io', displayName: 'Ann (updated)' });
      expect(await prisma.user.count({ where: { email: { equals: 'ann@x.io', mode: 'insensitive' } } })).toBe(1);
    });

    it('fails an upsert by another spelling instead of updating, naming users_email_lower_key', async () => {
      await newUser({ email: 'bea@x.io', displayName: 'Bea' });

      const upsert = prisma.user.upsert({
        where: { email: 'Bea@x.io' },
        create: { email: 'Bea@x.io', displayName: 'Bea (new)' },
        update: { displayName: 'Bea (updated)' },
      });

      expect(await rejectionOf(upsert)).toEqual(uniqueViolation('users_email_lower_key'));
    });
  });
});

describe('study_materials', () => {
  it.each<{ row: string; data: Partial<Prisma.StudyMaterialUncheckedCreateInput>; constraint: string }>([
    { row: 'an empty title', data: { title: '' }, constraint: 'study_materials_title_check' },
    { row: 'a whitespace title', data: { title: ' \t\n' }, constraint: 'study_materials_title_check' },
    { row: 'an empty source URI', data: { sourceUri: '' }, constraint: 'study_materials_source_uri_check' },
    { row: 'a whitespace source URI', data: { sourceUri: '\t' }, constraint: 'study_materials_source_uri_check' },
    {
      row: 'a URL source but no source URI',
      data: { sourceType: MaterialSourceType.URL, sourceUri: null },
      constraint: 'study_materials_url_source_check',
    },
    { row: 'array metadata', data: { metadata: [] }, constraint: 'study_materials_metadata_check' },
    { row: 'string metadata', data: { metadata: 'pdf' }, constraint: 'study_materials_metadata_check' },
    { row: 'number metadata', data: { metadata: 42 }, constraint: 'study_materials_metadata_check' },
    { row: 'boolean metadata', data: { metadata: true }, constraint: 'study_materials_metadata_check' },
    {
      row: "JSON null metadata ('null'::jsonb)",
      data: { metadata: Prisma.JsonNull },
      constraint: 'study_materials_metadata_check',
    },
  ])('rejects a material with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newMaterial(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.StudyMaterialUncheckedCreateInput> }>([
    {
      row: 'a URL source and its URL',
      data: { sourceType: MaterialSourceType.URL, sourceUri: 'https://example.dev/a' },
    },
    { row: 'a TEXT source and no source URI', data: { sourceType: MaterialSourceType.TEXT, sourceUri: null } },
    { row: 'an UPLOAD source and no source URI', data: { sourceType: MaterialSourceType.UPLOAD, sourceUri: null } },
    {
      row: 'an UPLOAD source and its storage key',
      data: { sourceType: MaterialSourceType.UPLOAD, sourceUri: 'u/1.pdf' },
    },
    { row: 'empty object metadata', data: { metadata: {} } },
    { row: 'object metadata', data: { metadata: { mimeType: 'application/pdf', pages: 12 } } },
  ])('accepts a material with $row', async ({ data }) => {
    expect(await newMaterial(data)).toMatchObject(data);
  });
});

describe('content_chunks', () => {
  it.each<{ row: string; data: Partial<Prisma.ContentChunkUncheckedCreateInput>; constraint: string }>([
    { row: 'ordinal -1', data: { ordinal: -1 }, constraint: 'content_chunks_ordinal_check' },
    { row: 'empty text', data: { text: '' }, constraint: 'content_chunks_text_check' },
    { row: 'whitespace text', data: { text: ' \n\t ' }, constraint: 'content_chunks_text_check' },
    { row: 'token count -1', data: { tokenCount: -1 }, constraint: 'content_chunks_token_count_check' },
  ])('rejects a chunk with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newChunk(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.ContentChunkUncheckedCreateInput> }>([
    { row: 'ordinal 0, the first position', data: { ordinal: 0 } },
    { row: 'token count 0', data: { tokenCount: 0 } },
    { row: 'padded text', data: { text: '\n  A sentence.  \n' } },
  ])('accepts a chunk with $row', async ({ data }) => {
    expect(await newChunk(data)).toMatchObject(data);
  });

  it('rejects a duplicate (material, ordinal), naming content_chunks_material_id_ordinal_key', async () => {
    const chunk = await newChunk();

    expect(await rejectionOf(newChunk({ ordinal: chunk.ordinal }))).toEqual(
      uniqueViolation('content_chunks_material_id_ordinal_key'),
    );
  });

  it('accepts the same ordinal in another material', async () => {
    const chunk = await newChunk();
    const otherMaterial = await newMaterial();

    expect(await newChunk({ materialId: otherMaterial.id, ordinal: chunk.ordinal })).toMatchObject({
      materialId: otherMaterial.id,
      ordinal: chunk.ordinal,
    });
  });
});

describe('generated_assets', () => {
  it.each<{ row: string; data: Partial<Prisma.GeneratedAssetUncheckedCreateInput>; constraint: string }>([
    {
      row: 'an array payload',
      data: { payload: [{ front: 'Q', back: 'A' }] },
      constraint: 'generated_assets_payload_check',
    },
    { row: 'a string payload', data: { payload: 'What makes ATP?' }, constraint: 'generated_assets_payload_check' },
    { row: 'a number payload', data: { payload: 1 }, constraint: 'generated_assets_payload_check' },
    {
      row: "a JSON null payload ('null'::jsonb)",
      data: { payload: Prisma.JsonNull },
      constraint: 'generated_assets_payload_check',
    },
    { row: 'an empty model name', data: { modelName: '' }, constraint: 'generated_assets_model_name_check' },
    { row: 'a whitespace model name', data: { modelName: '  ' }, constraint: 'generated_assets_model_name_check' },
    { row: 'an empty model version', data: { modelVersion: '' }, constraint: 'generated_assets_model_version_check' },
    {
      row: 'a whitespace model version',
      data: { modelVersion: '\t' },
      constraint: 'generated_assets_model_version_check',
    },
  ])('rejects an asset with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newAsset(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.GeneratedAssetUncheckedCreateInput> }>([
    { row: 'an empty object payload', data: { payload: {} } },
    {
      row: 'a quiz payload',
      data: { kind: AssetKind.QUIZ, payload: { question: 'Q?', options: ['A', 'B'], answer: 0 } },
    },
    { row: 'no chunk', data: { chunkId: null } },
  ])('accepts an asset with $row', async ({ data }) => {
    expect(await newAsset(data)).toMatchObject(data);
  });
});

describe('learning_sessions', () => {
  it.each<{ row: string; data: Partial<Prisma.LearningSessionUncheckedCreateInput>; constraint: string }>([
    {
      row: 'an end before its start',
      data: { status: SessionStatus.COMPLETED, startedAt: TEN_AM, endedAt: NINE_AM },
      constraint: 'learning_sessions_ended_at_check',
    },
    {
      row: 'status ACTIVE and an end time',
      data: { status: SessionStatus.ACTIVE, startedAt: NINE_AM, endedAt: TEN_AM },
      constraint: 'learning_sessions_status_check',
    },
    {
      row: 'no status (so ACTIVE) but an end time',
      data: { startedAt: NINE_AM, endedAt: TEN_AM },
      constraint: 'learning_sessions_status_check',
    },
    {
      row: 'status COMPLETED and no end time',
      data: { status: SessionStatus.COMPLETED, endedAt: null },
      constraint: 'learning_sessions_status_check',
    },
    {
      row: 'status ABANDONED and no end time',
      data: { status: SessionStatus.ABANDONED, endedAt: null },
      constraint: 'learning_sessions_status_check',
    },
    { row: 'score -1', data: { score: -1 }, constraint: 'learning_sessions_score_check' },
    { row: 'score 101', data: { score: 101 }, constraint: 'learning_sessions_score_check' },
  ])('rejects a session with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newSession(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.LearningSessionUncheckedCreateInput> }>([
    { row: 'status ACTIVE and no end time', data: { status: SessionStatus.ACTIVE, endedAt: null } },
    {
      row: 'status COMPLETED and a later end',
      data: { status: SessionStatus.COMPLETED, startedAt: NINE_AM, endedAt: TEN_AM },
    },
    {
      row: 'status ABANDONED and a later end',
      data: { status: SessionStatus.ABANDONED, startedAt: NINE_AM, endedAt: TEN_AM },
    },
    {
      row: 'zero length (ending when it starts)',
      data: { status: SessionStatus.COMPLETED, startedAt: NINE_AM, endedAt: NINE_AM },
    },
    { row: 'score 0', data: { status: SessionStatus.COMPLETED, startedAt: NINE_AM, endedAt: TEN_AM, score: 0 } },
    { row: 'score 100', data: { status: SessionStatus.COMPLETED, startedAt: NINE_AM, endedAt: TEN_AM, score: 100 } },
    { row: 'no score', data: { score: null } },
    { row: 'a running score while ACTIVE', data: { status: SessionStatus.ACTIVE, score: 40 } },
  ])('accepts a session with $row', async ({ data }) => {
    expect(await newSession(data)).toMatchObject(data);
  });

  it('rejects setting ended_at on a session left ACTIVE, naming learning_sessions_status_check', async () => {
    const session = await newSession({ startedAt: NINE_AM });

    const update = prisma.learningSession.update({ where: { id: session.id }, data: { endedAt: TEN_AM } });

    expect(await rejectionOf(update)).toEqual(checkViolation('learning_sessions_status_check'));
  });

  it('accepts ending a session when status and end time are set together', async () => {
    const session = await newSession({ startedAt: NINE_AM });

    const update = prisma.learningSession.update({
      where: { id: session.id },
      data: { status: SessionStatus.COMPLETED, endedAt: TEN_AM, score: 80 },
    });

    expect(await update).toMatchObject({ status: SessionStatus.COMPLETED, endedAt: TEN_AM, score: 80 });
  });
});

describe('interactions', () => {
  it.each<{ row: string; data: Partial<Prisma.InteractionUncheckedCreateInput> }>([
    { row: 'an array payload', data: { payload: [] } },
    { row: 'a string payload', data: { payload: 'clicked' } },
    { row: 'a number payload', data: { payload: 3 } },
    { row: "a JSON null payload ('null'::jsonb)", data: { payload: Prisma.JsonNull } },
  ])('rejects an interaction with $row, naming interactions_payload_check', async ({ data }) => {
    expect(await rejectionOf(newInteraction(data))).toEqual(checkViolation('interactions_payload_check'));
  });

  it.each<{ row: string; data: Partial<Prisma.InteractionUncheckedCreateInput> }>([
    { row: 'an empty object payload', data: { payload: {} } },
    { row: 'a VIEW_CHUNK payload', data: { type: InteractionType.VIEW_CHUNK, payload: { chunkId: 'c1', ordinal: 0 } } },
    { row: 'an ANSWER payload', data: { type: InteractionType.ANSWER, payload: { answer: 'B', correct: true } } },
  ])('accepts an interaction with $row', async ({ data }) => {
    expect(await newInteraction(data)).toMatchObject(data);
  });
});

describe('user_feedback', () => {
  it.each<{ row: string; data: Partial<Prisma.UserFeedbackUncheckedCreateInput>; constraint: string }>([
    { row: 'rating 0', data: { rating: 0 }, constraint: 'user_feedback_rating_check' },
    { row: 'rating 6', data: { rating: 6 }, constraint: 'user_feedback_rating_check' },
    { row: 'rating -1', data: { rating: -1 }, constraint: 'user_feedback_rating_check' },
    { row: 'an empty comment', data: { comment: '' }, constraint: 'user_feedback_comment_check' },
    { row: 'a whitespace comment', data: { comment: ' \n ' }, constraint: 'user_feedback_comment_check' },
  ])('rejects feedback with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newFeedback(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.UserFeedbackUncheckedCreateInput> }>([
    { row: 'rating 1', data: { rating: 1 } },
    { row: 'rating 5', data: { rating: 5 } },
    { row: 'no comment', data: { comment: null } },
    { row: 'a comment', data: { comment: 'Clear card.' } },
  ])('accepts feedback with $row', async ({ data }) => {
    expect(await newFeedback(data)).toMatchObject(data);
  });

  it("rejects a user's second rating of an asset, naming user_feedback_user_id_asset_id_key", async () => {
    const first = await newFeedback();

    const second = prisma.userFeedback.create({ data: { userId: first.userId, assetId, rating: 2 } });

    expect(await rejectionOf(second)).toEqual(uniqueViolation('user_feedback_user_id_asset_id_key'));
  });

  it('accepts the same user rating another asset', async () => {
    const first = await newFeedback();
    const otherAsset = await newAsset();

    expect(
      await prisma.userFeedback.create({ data: { userId: first.userId, assetId: otherAsset.id, rating: 2 } }),
    ).toMatchObject({ userId: first.userId, assetId: otherAsset.id });
  });

  it('lets a user change their rating by upsert on (user, asset), keeping one row', async () => {
    const first = await newFeedback({ rating: 2 });
    const key = { userId_assetId: { userId: first.userId, assetId } };

    await prisma.userFeedback.upsert({
      where: key,
      create: { userId: first.userId, assetId, rating: 5 },
      update: { rating: 5 },
    });

    expect(await prisma.userFeedback.findMany({ where: { userId: first.userId } })).toEqual([
      expect.objectContaining({ id: first.id, rating: 5 }),
    ]);
  });
});

describe('progress_metrics', () => {
  it.each<{ row: string; data: Partial<Prisma.ProgressMetricUncheckedCreateInput>; constraint: string }>([
    { row: 'an empty metric', data: { metric: '' }, constraint: 'progress_metrics_metric_check' },
    { row: 'a whitespace metric', data: { metric: '\t ' }, constraint: 'progress_metrics_metric_check' },
    { row: 'value -0.5', data: { value: -0.5 }, constraint: 'progress_metrics_value_check' },
    { row: 'value Infinity', data: { value: Number.POSITIVE_INFINITY }, constraint: 'progress_metrics_value_check' },
    { row: 'value -Infinity', data: { value: Number.NEGATIVE_INFINITY }, constraint: 'progress_metrics_value_check' },
    { row: 'value NaN', data: { value: Number.NaN }, constraint: 'progress_metrics_value_check' },
  ])('rejects progress with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newProgress(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.ProgressMetricUncheckedCreateInput> }>([
    { row: 'value 0', data: { value: 0 } },
    { row: 'a fractional value', data: { value: 0.75 } },
    { row: 'a large count', data: { value: 1_000_000 } },
  ])('accepts progress with $row', async ({ data }) => {
    expect(await newProgress(data)).toMatchObject(data);
  });

  it('rejects a duplicate metric row, naming progress_metrics_user_id_material_id_metric_key', async () => {
    await newProgress({ metric: 'cards_reviewed' });

    expect(await rejectionOf(newProgress({ metric: 'cards_reviewed', value: 3 }))).toEqual(
      uniqueViolation('progress_metrics_user_id_material_id_metric_key'),
    );
  });

  it('accepts the same metric for another material and for another user', async () => {
    await newProgress({ metric: 'minutes_studied' });
    const otherMaterial = await newMaterial();
    const otherUser = await newUser();

    await newProgress({ metric: 'minutes_studied', materialId: otherMaterial.id });
    await newProgress({ metric: 'minutes_studied', userId: otherUser.id });

    expect(await prisma.progressMetric.count({ where: { metric: 'minutes_studied' } })).toBe(3);
  });

  it('treats metric keys case-sensitively: Mastery and mastery are two rows', async () => {
    await newProgress({ metric: 'Mastery' });
    await newProgress({ metric: 'mastery' });

    expect(
      await prisma.progressMetric.count({
        where: { userId: ownerId, materialId, metric: { in: ['Mastery', 'mastery'] } },
      }),
    ).toBe(2);
  });

  it('keeps one current value per (user, material, metric) when written by upsert', async () => {
    const key = { userId_materialId_metric: { userId: ownerId, materialId, metric: 'streak_days' } };
    for (const value of [1, 2, 3]) {
      await prisma.progressMetric.upsert({
        where: key,
        create: { userId: ownerId, materialId, metric: 'streak_days', value },
        update: { value },
      });
    }

    expect(await prisma.progressMetric.findMany({ where: { metric: 'streak_days' } })).toEqual([
      expect.objectContaining({ value: 3 }),
    ]);
  });
});

describe('audit_logs', () => {
  it.each<{ row: string; data: Partial<Prisma.AuditLogUncheckedCreateInput>; constraint: string }>([
    { row: 'an empty action', data: { action: '' }, constraint: 'audit_logs_action_check' },
    { row: 'a whitespace action', data: { action: '\n' }, constraint: 'audit_logs_action_check' },
    { row: 'an empty entity type', data: { entityType: '' }, constraint: 'audit_logs_entity_type_check' },
    { row: 'a whitespace entity type', data: { entityType: '  ' }, constraint: 'audit_logs_entity_type_check' },
    {
      row: 'a JSON null before (Prisma.JsonNull)',
      data: { before: Prisma.JsonNull },
      constraint: 'audit_logs_before_check',
    },
    { row: 'an array before', data: { before: [] }, constraint: 'audit_logs_before_check' },
    { row: 'a string before', data: { before: 'old' }, constraint: 'audit_logs_before_check' },
    {
      row: 'a JSON null after (Prisma.JsonNull)',
      data: { after: Prisma.JsonNull },
      constraint: 'audit_logs_after_check',
    },
    { row: 'an array after', data: { after: [1] }, constraint: 'audit_logs_after_check' },
    { row: 'a boolean after', data: { after: false }, constraint: 'audit_logs_after_check' },
  ])('rejects an audit row with $row, naming $constraint', async ({ data, constraint }) => {
    expect(await rejectionOf(newAuditLog(data))).toEqual(checkViolation(constraint));
  });

  it.each<{ row: string; data: Partial<Prisma.AuditLogUncheckedCreateInput>; stored: object }>([
    {
      row: 'SQL NULL before and an object after',
      data: { before: Prisma.DbNull, after: { title: 'New' } },
      stored: { before: null, after: { title: 'New' } },
    },
    {
      row: 'an object before and SQL NULL after',
      data: { before: { title: 'Old' }, after: Prisma.DbNull },
      stored: { before: { title: 'Old' }, after: null },
    },
    {
      row: 'no snapshots at all',
      data: { before: Prisma.DbNull, after: Prisma.DbNull },
      stored: { before: null, after: null },
    },
    { row: 'a system actor (no actor_id)', data: { actorId: null }, stored: { actorId: null } },
  ])('accepts an audit row with $row', async ({ data, stored }) => {
    expect(await newAuditLog(data)).toMatchObject(stored);
  });
});
