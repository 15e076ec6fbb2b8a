/**
 * The factories' cost beside plain Prisma, side by side in one process on one
 * server: 1,000 learners one by one, all at once (fishery's createList), by
 * Prisma's createMany and by our createList; 10,000 content chunks for one
 * material; the baseline seed into a fresh database and again.
 * Prints a table and writes bench/factories-results.json.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Factory } from 'fishery';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createFactories } from '../src/factories/factories.ts';
import type { ContentChunkRow } from '../src/factories/models/content-chunk.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { withDatabase } from '../src/harness/worker/with-database.ts';
import { seedBaseline } from '../src/seed/baseline.ts';
import { withClient } from '../src/sql/with-client.ts';
import { interleaved, measure, type Row, ratioOfP50, report, rowOf, SAMPLES, timed } from './support/measure.ts';

const LEARNERS = 1_000;
const CHUNKS = 10_000;
/** Fewer samples for the slow plain-Prisma rows, which only set the scale. */
const SLOW_SAMPLES = Math.max(5, Math.round(SAMPLES / 5));

/** A fresh clone of the template for each sample, handed out outside the timed part. */
function onFreshDatabase(work: (prisma: PrismaClient, url: string) => Promise<number>): Promise<number> {
  return withDatabase(async ({ prisma, url }) => {
    await prisma.$queryRaw`SELECT 1`;
    return work(prisma, url);
  });
}

/** A value in COPY's text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.replace(/[\\\t\n\r]/g, (char) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r' })[char] ?? '\\\\');
}

/** Inserts the built chunks with one `COPY content_chunks (…) FROM STDIN`, 1,000 rows a write. */
async function copyChunks(client: pg.Client, chunks: readonly ContentChunkRow[]): Promise<void> {
  const columns = ['id', 'material_id', 'ordinal', 'text', 'token_count', 'created_at'];
  const stream = client.query(copyFrom(`COPY content_chunks (${columns.join(', ')}) FROM STDIN`));
  const lines = function* () {
    for (let start = 0; start < chunks.length; start += 1_000) {
      yield chunks
        .slice(start, start + 1_000)
        .map((chunk) =>
          [chunk.id, chunk.materialId, chunk.ordinal, chunk.text, chunk.tokenCount, chunk.createdAt]
            .map(copyText)
            .join('\t'),
        )
        .join('\n')
        .concat('\n');
    }
  };
  await pipeline(Readable.from(lines()), stream);
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
  // Goal 6: ours beside COPY of the same rows, built beforehand by the same factory; interleaved, a fresh clone each.
  const [ours = [], copied = []] = await interleaved(
    SAMPLES,
    () => onFreshDatabase((prisma) => timed(() => factoriesOn(prisma).studyMaterial.withChunks(CHUNKS).create())),
    () =>
      onFreshDatabase(async (prisma, url) => {
        const factories = factoriesOn(prisma);
        const material = await factories.studyMaterial.create();
        const data = factories.contentChunk.buildList(CHUNKS, { materialId: material.id });
        return withClient(url, (client) => timed(() => copyChunks(client, data)));
      }),
  );
  const withChunks = rowOf(`${CHUNKS} chunks for one material: studyMaterial.withChunks(${CHUNKS}).create()`, ours);
  const copy = rowOf(`${CHUNKS} chunks for one material: COPY … FROM STDIN through pg (peer)`, copied);
  rows.push(
    {
      ...withChunks,
      note: `material, its owner and the chunks, building included; goal: ≤ 1.25× COPY: ${ratioOfP50(withChunks, copy)}`,
    },
    { ...copy, note: 'the same rows built beforehand, the material created beforehand; text encoding included' },
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
