/** Interactions: what a learner did during a session (viewed a chunk, flipped a card, answered). */
import { type Interaction, Prisma } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';

/** What the interaction factory builds: an `Interaction`, its payload as Prisma writes it. */
export type InteractionRow = Omit<Interaction, 'payload'> & { payload: Prisma.InputJsonObject };

export const interactionDefinition: ModelDefinition<InteractionRow, Interaction, object> = {
  key: 'interaction',
  table: 'interactions',
  fields: Prisma.InteractionScalarFieldEnum,
  parents: [{ field: 'sessionId', factory: 'learningSession' }],
  uniques: [],
  delegate: (client) => client.interaction,
  generate: (values, params) => {
    const type = params.type ?? 'VIEW_CHUNK';
    return {
      id: values.uuid(),
      sessionId: params.sessionId ?? values.uuid('sessionId'),
      assetId: null,
      type,
      payload:
        type === 'ANSWER'
          ? { answerIndex: values.int('answerIndex', 0, 3), correct: values.int('correct', 0, 1) === 1 }
          : { seconds: values.int('seconds', 2, 120) },
      occurredAt: values.date('occurredAt'),
    };
  },
};

export class InteractionFactory extends ModelFactory<InteractionRow, Interaction> {
  /** An answer to a quiz question: `{ answerIndex, correct }`. */
  answer(correct = true): this {
    return this.params({ type: 'ANSWER', payload: { correct } });
  }
}
