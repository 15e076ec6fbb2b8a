// Plain JavaScript under `node --test`: no Vitest, no TypeScript, no global setup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildLearner, withDatabase } from '@ctoprojects/fixtures';

test('withDatabase hands out a migrated database and the factories', async () => {
  const emails = await withDatabase(async ({ prisma, factories }) => {
    await factories.learner.createList(3);
    return (await prisma.user.findMany()).map((user) => user.email);
  });
  assert.equal(emails.length, 3);
  assert.equal(new Set(emails).size, 3);
});

test('buildLearner builds a row without a database', () => {
  const learner = buildLearner({ displayName: 'Grace' });
  assert.equal(learner.displayName, 'Grace');
  assert.equal(learner.role, 'LEARNER');
});
