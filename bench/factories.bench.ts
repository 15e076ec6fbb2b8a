/**
 * The factories' cost beside plain Prisma, side by side in one process on one
 * server: 1,000 learners one by one, all at once (fishery's createList), by
 * Prisma's createMany and by our createList; 10,000 content chunks for one
 * material; the baseline seed into a fresh database and again.
 * Prints a table and writes bench/factories-results.json.
 */
import { Factory } from 'fishery';
import { createFactories } from '../src/factories/factories.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { withDatabase } from '../src/harness/with-database.ts';
import { seedBaseline } from '../src/seed/baseline.ts';
import { measure, type Row, report, SAMPLES, timed } from './support/measure.ts';

const LEARNERS = 1_000;
const CHUNKS = 10_000;
/** Fewer samples for the slow plain-Prisma rows, which only set the scale. */
const SLOW_SAMPLES = Math.max(5, Math.round(SAMPLES / 5));

/** A fresh clone of the template for each sample, handed out outside the timed part. */
function onFreshDatabase(work: (prisma: PrismaClient) => Promise<number>): Promise<number> {
  return withDatabase(async ({ prisma }) => {
    await prisma.$queryRaw`SELECT 1`;
    return work(prisma);
  });
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  let seedNumber = 0;
  // Fresh seeds per sample, so each sample inserts rows no earlier sample made.
  const factoriesOn = (prisma: PrismaClient) => createFactories(prisma, { seed: `bench ${++seedNumber}` });

  rows.push(
    await measure(
      `${LEARNERS} learners: prisma.user.create one by one`,
      () =>
        onFreshDatabase(async (prisma) => {
          const data = factoriesOn(prisma).learner.buildList(LEARNERS);
          return timed(async () => {
            for (const user of data) await prisma.user.create({ data: user });
          });
        }),
      'plain Prisma',
      SLOW_SAMPLES,
    ),
  );
  rows.push(
    await measure(
      `${LEARNERS} learners: fishery createList (Promise.all of create)`,
      () =>
        onFreshDatabase(async (prisma) => {
          const data = factoriesOn(prisma).learner.buildList(LEARNERS);
          const fishery = Factory.define<(typeof data)[number]>(
            ({ sequence }) => data[sequence - 1] as (typeof data)[number],
          ).onCreate((user) => prisma.user.create({ data: user }));
          return timed(() => fishery.createList(LEARNERS));
        }),
      'plain fishery',
      SLOW_SAMPLES,
    ),
  );
  const createMany = await measure(
    `${LEARNERS} learners: prisma.user.createMany`,
    () =>
      onFreshDatabase(async (prisma) => {
        const data = factoriesOn(prisma).learner.buildList(LEARNERS);
        return timed(() => prisma.user.createMany({ data }));
      }),
    'plain Prisma, rows built beforehand',
  );
  rows.push(createMany);
  const createList = await measure(`${LEARNERS} learners: factories.learner.createList`, () =>
    onFreshDatabase((prisma) => timed(() => factoriesOn(prisma).learner.createList(LEARNERS))),
  );
  rows.push({
    ...createList,
    note: `building included; ${(createList.p50 / createMany.p50).toFixed(2)}x createMany (target <= 1.5x)`,
  });

  rows.push(
    await measure(
      `${CHUNKS} chunks for one material: prisma.contentChunk.createMany`,
      () =>
        onFreshDatabase(async (prisma) => {
          const factories = factoriesOn(prisma);
          const material = await factories.studyMaterial.create();
          const data = factories.contentChunk.buildList(CHUNKS, { materialId: material.id });
          return timed(() => prisma.contentChunk.createMany({ data }));
        }),
      'plain Prisma, rows built beforehand',
      SLOW_SAMPLES,
    ),
  );
  rows.push(
    await measure(
      `${CHUNKS} chunks for one material: studyMaterial.withChunks(${CHUNKS}).create()`,
      () => onFreshDatabase((prisma) => timed(() => factoriesOn(prisma).studyMaterial.withChunks(CHUNKS).create())),
      'material, its owner and the chunks, building included (target < 300 ms)',
    ),
  );

  rows.push(
    await measure(
      'seedBaseline into a fresh database',
      () => onFreshDatabase((prisma) => timed(() => seedBaseline(prisma))),
      'target < 300 ms',
    ),
  );
  rows.push(
    await measure(
      'seedBaseline again (idempotent run)',
      () =>
        onFreshDatabase(async (prisma) => {
          await seedBaseline(prisma);
          return timed(() => seedBaseline(prisma));
        }),
      'target < 100 ms',
    ),
  );

  report('Factories (npm run bench)', rows, new URL('./factories-results.json', import.meta.url));
}

await main();
