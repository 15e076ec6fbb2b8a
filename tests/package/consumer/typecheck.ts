// The shipped declarations under a strict consumer configuration (tsconfig.json). `tsc --noEmit` must pass:
// every line below compiles, and each @ts-expect-error line must be an error, or tsc reports it unused.

import { buildLearner, type DatabaseContext, FactoryError, withDatabase } from '@ctoprojects/fixtures';
import { createPrismaClient, type Prisma, type User, UserRole } from '@ctoprojects/fixtures/client';
import { expect, test } from '@ctoprojects/fixtures/vitest';

async function application(): Promise<User[]> {
  const prisma = createPrismaClient({ url: 'postgresql://postgres:postgres@127.0.0.1:5432/app' });
  const where: Prisma.UserWhereInput = { role: UserRole.LEARNER };
  return prisma.user.findMany({ where });
}

function factories(): string {
  const ada = buildLearner({ displayName: 'Ada' });
  // @ts-expect-error: a learner has no `nickname`
  buildLearner({ nickname: 'ada' });
  // @ts-expect-error: `role` takes the UserRole enum, not any string
  buildLearner({ role: 'GUEST' });
  // @ts-expect-error: `email` is a string
  buildLearner({ email: 42 });
  return ada.email;
}

async function harness(): Promise<number> {
  // @ts-expect-error: isolation is 'database' or 'schema'
  await withDatabase(() => 0, { isolation: 'file' });
  // @ts-expect-error: withDatabase has no `reset` option
  await withDatabase(() => 0, { reset: 'truncate' });
  return withDatabase(async ({ prisma }: DatabaseContext) => prisma.user.count());
}

// @ts-expect-error: dbReset is 'transaction' or 'truncate'
test.override({ dbReset: 'bogus' });

test('a typed fixture', async (context) => {
  const learner = await context.db.factories.learner.create({ displayName: 'Grace' });
  const name: string = learner.displayName;
  // @ts-expect-error: the harness's own file-scoped state is not part of a test's context
  context.ctoprojectsFileDatabase;
  // @ts-expect-error: a rating is a number
  await context.db.factories.userFeedback.create({ rating: '5' });
  expect(name).toBe('Grace');
});

void [application, factories, harness, (error: unknown) => error instanceof FactoryError];
