/**
 * The Vitest `db` fixture with its default reset, `transaction`: one database
 * per file, every test's writes rolled back after it.
 */
import { describe, expect, test } from '@ctoprojects/fixtures/vitest';

const names = new Set<string>();

describe('the db fixture, reset by transaction', () => {
  test('gives a migrated database of the file', async ({ db }) => {
    names.add(db.name);
    await db.prisma.user.create({ data: { email: 'first@ctoprojects.dev', displayName: 'First' } });

    expect(await db.prisma.user.count()).toBe(1);
    expect(db.name).toMatch(/^fixtures_db_/);
  });

  test('rolls the previous test back: this one starts empty, on the same database', async ({ db }) => {
    names.add(db.name);

    expect(await db.prisma.user.count()).toBe(0);
    expect(names.size).toBe(1);
  });

  test("keeps the application's own interactive transactions working", async ({ db }) => {
    await db.prisma.$transaction(async (tx) => {
      const owner = await tx.user.create({ data: { email: 'owner@ctoprojects.dev', displayName: 'Owner' } });
      await tx.studyMaterial.create({ data: { ownerId: owner.id, title: 'Sets', sourceType: 'TEXT' } });
    });
    const failed = db.prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { email: 'gone@ctoprojects.dev', displayName: 'Gone' } });
      throw new Error('abandon');
    });

    await expect(failed).rejects.toThrow('abandon');
    expect(await db.prisma.user.findMany({ select: { email: true } })).toEqual([{ email: 'owner@ctoprojects.dev' }]);
  });
});
