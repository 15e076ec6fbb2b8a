/**
 * The old data layer's promise: DATABASE_URL may point at PgBouncer in
 * transaction mode (`pgbouncer=true`), while migrations go straight to
 * PostgreSQL through DIRECT_DATABASE_URL. Proven with a real PgBouncer.
 */

import { createPrismaClient, type PrismaClient } from '@ctoprojects/fixtures';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emptyDatabase, migratedDatabase, type TestDatabase } from '../support/databases.ts';
import { type StartedPgBouncer, startPgBouncer } from '../support/pgbouncer.ts';
import { runPrisma } from '../support/run-cli.ts';

describe('through PgBouncer in transaction mode', () => {
  let bouncer: StartedPgBouncer;
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    bouncer = await startPgBouncer(inject('serverUrl'));
    database = await migratedDatabase();
    prisma = createPrismaClient({
      url: `${bouncer.urlFor(database.url)}?pgbouncer=true&connection_limit=3&pool_timeout=5`,
    });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
    await bouncer?.stop();
  });

  it('the runtime client reads and writes', async () => {
    const learner = await prisma.user.create({ data: { email: 'through-bouncer@ctoprojects.dev', displayName: 'Bo' } });

    expect(await prisma.user.findUnique({ where: { id: learner.id } })).toMatchObject({
      displayName: 'Bo',
      role: 'LEARNER',
    });
    expect(bouncer.log()).toMatch(new RegExp(`login attempt: db=${database.name} user=postgres`));
  });

  it('an interactive transaction commits as a whole', async () => {
    const material = await prisma.$transaction(async (tx) => {
      const owner = await tx.user.create({ data: { email: 'owner@ctoprojects.dev', displayName: 'Owner' } });
      return tx.studyMaterial.create({ data: { ownerId: owner.id, title: 'Graphs', sourceType: 'TEXT' } });
    });

    expect(await prisma.studyMaterial.count({ where: { id: material.id } })).toBe(1);
  });

  it('an interactive transaction that throws leaves nothing behind', async () => {
    const attempt = prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { email: 'rolled-back@ctoprojects.dev', displayName: 'Gone' } });
      throw new Error('changed my mind');
    });

    await expect(attempt).rejects.toThrow('changed my mind');
    expect(await prisma.user.count({ where: { email: 'rolled-back@ctoprojects.dev' } })).toBe(0);
  });

  it('24 transactions at once, through a client pool of 3 and a server pool of 4, all commit', async () => {
    const emails = Array.from({ length: 24 }, (_, index) => `parallel-${index}@ctoprojects.dev`);

    await Promise.all(
      emails.map((email) =>
        prisma.$transaction(async (tx) => {
          const user = await tx.user.create({ data: { email, displayName: email } });
          return tx.user.update({ where: { id: user.id }, data: { displayName: 'done' } });
        }),
      ),
    );

    expect(await prisma.user.count({ where: { email: { in: emails }, displayName: 'done' } })).toBe(emails.length);
  });

  it('migrations go to DIRECT_DATABASE_URL, never through PgBouncer', async () => {
    const fresh = await emptyDatabase();
    try {
      const result = await runPrisma(['migrate', 'deploy'], {
        env: { DATABASE_URL: `${bouncer.urlFor(fresh.url)}?pgbouncer=true`, DIRECT_DATABASE_URL: fresh.url },
      });

      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain(`PostgreSQL database "${fresh.name}"`);
      expect(bouncer.log()).not.toContain(`db=${fresh.name}`);
    } finally {
      await fresh.drop();
    }
  });
});
