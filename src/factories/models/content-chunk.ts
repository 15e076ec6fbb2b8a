/** Content chunks: numbered pieces of a material's text. */
import { type ContentChunk, Prisma } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';

/** What the contentChunk factory builds: a `ContentChunk` row. */
export type ContentChunkRow = ContentChunk;

export const contentChunkDefinition: ModelDefinition<ContentChunkRow, ContentChunk, object> = {
  key: 'contentChunk',
  table: 'content_chunks',
  fields: Prisma.ContentChunkScalarFieldEnum,
  parents: [{ field: 'materialId', factory: 'studyMaterial' }],
  uniques: [{ fields: ['materialId', 'ordinal'], constraints: ['content_chunks_material_id_ordinal_key'] }],
  delegate: (client) => client.contentChunk,
  generate: (values, params) => {
    const text = values.fake('text', (faker) => faker.lorem.sentence({ min: 6, max: 30 }));
    return {
      id: values.uuid(),
      materialId: params.materialId ?? values.uuid('materialId'),
      // The sequence is unique within the test, so two chunks never share an ordinal on one material.
      ordinal: values.index - 1,
      text,
      // Roughly what a tokenizer counts: a word and a bit.
      tokenCount: Math.ceil(text.split(/\s+/).length * 1.3),
      createdAt: values.date('createdAt'),
    };
  },
};

export class ContentChunkFactory extends ModelFactory<ContentChunkRow, ContentChunk> {}
