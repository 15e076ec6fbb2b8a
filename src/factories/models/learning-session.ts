/** Learning sessions: a learner studying a material; ACTIVE until it ends COMPLETED or ABANDONED. */
import { type LearningSession, Prisma } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';

/** What the learningSession factory builds: a `LearningSession` row. */
export type LearningSessionRow = LearningSession;

/** Values the learningSession factory derives from but does not store. */
export interface LearningSessionTransient {
  /** How long a finished session lasted (minutes); derived when not given. */
  readonly minutes: number;
}

export const learningSessionDefinition: ModelDefinition<LearningSessionRow, LearningSession, LearningSessionTransient> =
  {
    key: 'learningSession',
    table: 'learning_sessions',
    fields: Prisma.LearningSessionScalarFieldEnum,
    parents: [
      { field: 'learnerId', factory: 'learner' },
      { field: 'materialId', factory: 'studyMaterial' },
    ],
    uniques: [],
    delegate: (client) => client.learningSession,
    generate: (values, params, transient) => {
      const status = params.status ?? 'ACTIVE';
      const startedAt = params.startedAt ?? values.date('startedAt');
      const minutes = transient.minutes ?? values.int('minutes', 5, 90);
      // The status decides the rest (CHECK learning_sessions_active_iff_open): only an ACTIVE session has no end.
      return {
        id: values.uuid(),
        learnerId: params.learnerId ?? values.uuid('learnerId'),
        materialId: params.materialId ?? values.uuid('materialId'),
        status,
        startedAt,
        endedAt: status === 'ACTIVE' ? null : new Date(startedAt.getTime() + minutes * 60_000),
        score: status === 'COMPLETED' ? values.int('score', 40, 100) : null,
      };
    },
  };

export class LearningSessionFactory extends ModelFactory<
  LearningSessionRow,
  LearningSession,
  LearningSessionTransient
> {
  /** Finished with a score. */
  completed(): this {
    return this.params({ status: 'COMPLETED' });
  }

  /** Left before the end: ended, no score. */
  abandoned(): this {
    return this.params({ status: 'ABANDONED' });
  }

  /** Each session created gets `count` interactions, a minute apart from its start. */
  withInteractions(count: number): this {
    this.checkCount('withInteractions', count);
    return this.afterInsert(async (sessions, createWith) => {
      await createWith(
        'interaction',
        sessions.flatMap((session) =>
          Array.from({ length: count }, (_, index) => ({
            sessionId: session.id,
            occurredAt: new Date(session.startedAt.getTime() + (index + 1) * 60_000),
          })),
        ),
      );
    });
  }
}
