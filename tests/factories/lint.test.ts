/**
 * The factory lint, like FactoryBot.lint: every factory and every trait
 * builds a row and creates it (with whatever parents it needs) in a real,
 * migrated database. A factory or trait that produces a row the schema
 * refuses fails the test that carries its name.
 */
import type { Factories } from '@ctoprojects/fixtures';
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';

type Case = [name: string, pick: (factories: Factories) => { create(): Promise<{ id: string }>; build(): object }];

const material = { id: '' };

const CASES: Case[] = [
  ['learner', (f) => f.learner],
  ['admin', (f) => f.admin],
  ['learner.withSessions(2)', (f) => f.learner.withSessions(2)],
  ['learner.withSessions(2, { status: COMPLETED })', (f) => f.learner.withSessions(2, { status: 'COMPLETED' })],
  ['learner.withProgressOn(material)', (f) => f.learner.withProgressOn(material, { mastery: 0.4, completion: 1 })],
  ['studyMaterial', (f) => f.studyMaterial],
  ['studyMaterial.withChunks(3)', (f) => f.studyMaterial.withChunks(3)],
  ['studyMaterial.withAssets(2, QUIZ)', (f) => f.studyMaterial.withAssets(2, 'QUIZ')],
  ['studyMaterial.fromUrl()', (f) => f.studyMaterial.fromUrl()],
  ['studyMaterial.draft()', (f) => f.studyMaterial.draft()],
  ['contentChunk', (f) => f.contentChunk],
  ['generatedAsset', (f) => f.generatedAsset],
  ['generatedAsset.flashcard()', (f) => f.generatedAsset.flashcard()],
  ['generatedAsset.quiz()', (f) => f.generatedAsset.quiz()],
  ['generatedAsset.summary()', (f) => f.generatedAsset.summary()],
  ['generatedAsset.explanation()', (f) => f.generatedAsset.explanation()],
  ['learningSession', (f) => f.learningSession],
  ['learningSession.completed()', (f) => f.learningSession.completed()],
  ['learningSession.abandoned()', (f) => f.learningSession.abandoned()],
  ['learningSession.withInteractions(3)', (f) => f.learningSession.withInteractions(3)],
  ['interaction', (f) => f.interaction],
  ['interaction.answer()', (f) => f.interaction.answer(false)],
  ['userFeedback', (f) => f.userFeedback],
  ['progressMetric', (f) => f.progressMetric],
  ['auditLog', (f) => f.auditLog],
];

describe('factory lint: every factory and trait creates a valid row', () => {
  test.for(CASES)('%s', async ([, pick], { db }) => {
    material.id = (await db.factories.studyMaterial.create()).id;
    const factory = pick(db.factories);

    const built = factory.build();
    const created = await factory.create();

    expect(built).toHaveProperty('id');
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
