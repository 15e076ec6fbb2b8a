/**
 * What a learner does in a learning session: each interaction is recorded
 * while the session is ACTIVE, and completing the session scores its answers.
 * The client is a parameter, so a test hands in the harness's.
 */
import type { Interaction, InteractionType, LearningSession, Prisma, PrismaClient } from '@ctoprojects/fixtures';
import { SessionNotActiveError, SessionNotFoundError } from './errors.ts';

export interface InteractionInput {
  readonly sessionId: string;
  readonly type: InteractionType;
  /** The flashcard flipped or the quiz answered, if any. */
  readonly assetId?: string;
  /** `{ chunkId }` for VIEW_CHUNK, `{ correct }` for ANSWER. */
  readonly payload?: Prisma.InputJsonObject;
  readonly occurredAt?: Date;
}

/**
 * Locks the session's row until the transaction ends and checks it is ACTIVE,
 * so that an interaction never lands in a session completed at the same moment.
 */
async function lockActiveSession(tx: Prisma.TransactionClient, sessionId: string): Promise<void> {
  const [session] = await tx.$queryRaw<{ status: string }[]>`
    SELECT status::text FROM learning_sessions WHERE id = ${sessionId}::uuid FOR UPDATE`;
  if (!session) throw new SessionNotFoundError(sessionId);
  if (session.status !== 'ACTIVE') throw new SessionNotActiveError(sessionId, session.status);
}

/** Records one interaction in an ACTIVE session. */
export function recordInteraction(prisma: PrismaClient, input: InteractionInput): Promise<Interaction> {
  const { sessionId, type, assetId, payload, occurredAt } = input;
  return prisma.$transaction(async (tx) => {
    await lockActiveSession(tx, sessionId);
    return tx.interaction.create({
      data: {
        sessionId,
        type,
        ...(assetId !== undefined && { assetId }),
        ...(payload !== undefined && { payload }),
        ...(occurredAt !== undefined && { occurredAt }),
      },
    });
  });
}

/**
 * Ends an ACTIVE session as COMPLETED, scored as the percentage of its answers
 * that were correct (no score when nothing was answered), and audits it.
 */
export function completeSession(
  prisma: PrismaClient,
  sessionId: string,
  endedAt: Date = new Date(),
): Promise<LearningSession> {
  return prisma.$transaction(async (tx) => {
    await lockActiveSession(tx, sessionId);
    const answers = { sessionId, type: 'ANSWER' } as const;
    const [answered, correct] = await Promise.all([
      tx.interaction.count({ where: answers }),
      tx.interaction.count({ where: { ...answers, payload: { path: ['correct'], equals: true } } }),
    ]);
    const score = answered === 0 ? null : Math.round((100 * correct) / answered);
    const session = await tx.learningSession.update({
      where: { id: sessionId },
      data: { status: 'COMPLETED', endedAt, score },
    });
    await tx.auditLog.create({
      data: {
        actorId: session.learnerId,
        action: 'learning_session.complete',
        entityType: 'learning_session',
        entityId: session.id,
        before: { status: 'ACTIVE' },
        after: { status: 'COMPLETED', score, answered, correct },
      },
    });
    return session;
  });
}
