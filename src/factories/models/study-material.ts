/** Study materials: a learner's upload, owned by a learner the factory creates unless `ownerId` is given. */
import { Prisma, type StudyMaterial } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';
import { SUBJECTS, TITLE_PREFIXES } from './text.ts';

export type StudyMaterialRecord = StudyMaterial;
/** What the studyMaterial factory builds: a `StudyMaterial`, its metadata as Prisma writes it. */
export type StudyMaterialRow = Omit<StudyMaterial, 'metadata'> & { metadata: Prisma.InputJsonObject };

export const studyMaterialDefinition: ModelDefinition<StudyMaterialRow, StudyMaterial, object> = {
  key: 'studyMaterial',
  table: 'study_materials',
  fields: Prisma.StudyMaterialScalarFieldEnum,
  parents: [{ field: 'ownerId', factory: 'learner' }],
  uniques: [],
  delegate: (client) => client.studyMaterial,
  generate: (values, params) => {
    const subject = values.fake('subject', (faker) => faker.helpers.arrayElement(SUBJECTS));
    const createdAt = values.date('createdAt');
    const sourceType = params.sourceType ?? 'TEXT';
    return {
      id: values.uuid(),
      ownerId: params.ownerId ?? values.uuid('ownerId'),
      title: `${values.fake('titlePrefix', (faker) => faker.helpers.arrayElement(TITLE_PREFIXES))} ${subject}`,
      sourceType,
      // A URL material must say where it came from (CHECK study_materials_url_has_uri).
      sourceUri:
        sourceType === 'TEXT'
          ? null
          : values.fake('sourceUri', (faker) =>
              sourceType === 'URL' ? faker.internet.url() : `uploads/${faker.system.fileName({ extensionCount: 1 })}`,
            ),
      status: 'READY',
      metadata: {
        language: 'en',
        subject,
        level: values.fake('level', (faker) => faker.helpers.arrayElement(['beginner', 'intermediate', 'advanced'])),
      },
      createdAt,
      updatedAt: createdAt,
    };
  },
};

export class StudyMaterialFactory extends ModelFactory<StudyMaterialRow, StudyMaterial> {
  /** Each material created gets `count` content chunks with ordinals 0…count-1, in one statement per 4,000 or so. */
  withChunks(count: number): this {
    this.checkCount('withChunks', count);
    return this.afterInsert(async (materials, createWith) => {
      await createWith(
        'contentChunk',
        materials.flatMap((material) =>
          Array.from({ length: count }, (_, ordinal) => ({ materialId: material.id, ordinal })),
        ),
      );
    });
  }

  /** Each material created gets `count` generated assets (flashcards unless `kind` says otherwise). */
  withAssets(count: number, kind: 'FLASHCARD' | 'QUIZ' | 'SUMMARY' | 'EXPLANATION' = 'FLASHCARD'): this {
    this.checkCount('withAssets', count);
    return this.afterInsert(async (materials, createWith) => {
      await createWith(
        'generatedAsset',
        materials.flatMap((material) => Array.from({ length: count }, () => ({ materialId: material.id, kind }))),
      );
    });
  }

  /** Imported from a web page: `sourceType` URL with a `sourceUri`. */
  fromUrl(): this {
    return this.params({ sourceType: 'URL' });
  }

  /** Still being written: `status` DRAFT. */
  draft(): this {
    return this.params({ status: 'DRAFT' });
  }
}
