/**
 * Type tests of the factory registry, compiled by `npm run typecheck` and
 * never run (not a `.test.ts`): each `@ts-expect-error` marks a mistake that
 * must stay a compile error. If the registry's typing regresses to strings,
 * the mistake compiles, the directive is unused, and the typecheck fails.
 */
import type { Factories } from '@ctoprojects/fixtures';
import type { ParentField } from '../../src/factories/model-definition.ts';
import type { CreateWith } from '../../src/factories/model-factory.ts';
import type { ContentChunkRow } from '../../src/factories/models/content-chunk.ts';
import type { FactoryName } from '../../src/factories/registry.ts';

/** A trait's children: named by a registry key, their overrides typed by that factory's row. */
export async function traitChildren(createWith: CreateWith, materialId: string): Promise<number[]> {
  // @ts-expect-error `contentChunks` is not a factory of the registry (it is `contentChunk`).
  await createWith('contentChunks', [{ materialId }]);
  // @ts-expect-error `ordinal` is a number in content_chunks, not a string.
  await createWith('contentChunk', [{ materialId, ordinal: '0' }]);
  // @ts-expect-error `position` is not a field of content_chunks.
  await createWith('contentChunk', [{ materialId, position: 0 }]);

  const chunks = await createWith('contentChunk', [{ materialId, ordinal: 0 }]);
  return chunks.map((chunk) => chunk.ordinal);
}

/** A definition's parents: a foreign key of the row, and a factory of the registry. */
export const parents: readonly ParentField<ContentChunkRow>[] = [
  { field: 'materialId', factory: 'studyMaterial' },
  // @ts-expect-error `studyMaterials` is not a factory of the registry.
  { field: 'materialId', factory: 'studyMaterials' },
  // @ts-expect-error `ordinal` is a number, so no foreign key to a parent's id.
  { field: 'ordinal', factory: 'studyMaterial' },
];

/** The factories a set hands out: one per registry key, overrides typed by the row, traits by the class. */
export function factoriesOfASet(factories: Factories): FactoryName[] {
  // @ts-expect-error `rating` is a whole number, not a string.
  factories.userFeedback.build({ rating: '5' });
  // @ts-expect-error `withChunk` is not a trait of studyMaterial (it is `withChunks`).
  factories.studyMaterial.withChunk(2);
  // @ts-expect-error `learners` is not a factory of the registry.
  factories.learners.build();

  factories.learner.withSessions(1, { status: 'COMPLETED' }).build({ displayName: 'Ada' });
  return ['learner', 'studyMaterial'];
}
