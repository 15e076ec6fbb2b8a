/** Generated assets: what the AI tutor made from a material (flashcards, quizzes, summaries, explanations). */
import { type AssetKind, type GeneratedAsset, Prisma } from '../../generated/prisma/client.ts';
import type { RecordValues } from '../data-scope.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';
import { TUTOR_MODEL } from './text.ts';

/** What the generatedAsset factory builds: a `GeneratedAsset`, its payload as Prisma writes it. */
export type GeneratedAssetRow = Omit<GeneratedAsset, 'payload'> & { payload: Prisma.InputJsonObject };

/** A payload in the shape the backend reads for each kind. */
function payloadFor(kind: AssetKind, values: RecordValues): Prisma.InputJsonObject {
  const sentence = () => values.fake('payload', (faker) => faker.lorem.sentence());
  switch (kind) {
    case 'FLASHCARD':
      return { front: values.fake('front', (faker) => `${faker.lorem.sentence().slice(0, -1)}?`), back: sentence() };
    case 'QUIZ': {
      const options = values.fake('options', (faker) =>
        faker.helpers.multiple(() => faker.lorem.words(3), { count: 4 }),
      );
      return {
        question: values.fake('question', (faker) => `${faker.lorem.sentence().slice(0, -1)}?`),
        options,
        answerIndex: values.int('answerIndex', 0, options.length - 1),
      };
    }
    case 'SUMMARY':
      return { text: values.fake('summary', (faker) => faker.lorem.paragraph()) };
    case 'EXPLANATION':
      return { text: values.fake('explanation', (faker) => faker.lorem.paragraphs(2)), level: 'beginner' };
  }
}

export const generatedAssetDefinition: ModelDefinition<GeneratedAssetRow, GeneratedAsset, object> = {
  key: 'generatedAsset',
  table: 'generated_assets',
  fields: Prisma.GeneratedAssetScalarFieldEnum,
  parents: [{ field: 'materialId', factory: 'studyMaterial' }],
  uniques: [],
  delegate: (client) => client.generatedAsset,
  generate: (values, params) => {
    const kind = params.kind ?? 'FLASHCARD';
    return {
      id: values.uuid(),
      materialId: params.materialId ?? values.uuid('materialId'),
      chunkId: null,
      kind,
      payload: payloadFor(kind, values),
      ...TUTOR_MODEL,
      createdAt: values.date('createdAt'),
    };
  },
};

export class GeneratedAssetFactory extends ModelFactory<GeneratedAssetRow, GeneratedAsset> {
  /** A flashcard: `{ front, back }`. */
  flashcard(): this {
    return this.params({ kind: 'FLASHCARD' });
  }

  /** A multiple-choice question: `{ question, options, answerIndex }`. */
  quiz(): this {
    return this.params({ kind: 'QUIZ' });
  }

  /** A summary: `{ text }`. */
  summary(): this {
    return this.params({ kind: 'SUMMARY' });
  }

  /** An explanation: `{ text, level }`. */
  explanation(): this {
    return this.params({ kind: 'EXPLANATION' });
  }
}
