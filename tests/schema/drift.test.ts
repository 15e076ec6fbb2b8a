/**
 * No drift: replaying prisma/migrations gives exactly the schema that
 * schema.prisma describes, as Prisma's engine judges it. The replay runs on
 * a shadow database of the file's own (SHADOW_DATABASE_URL), as in CI.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { runPrisma } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';

describe('the migrations and schema.prisma', () => {
  let main: TestDatabase;
  let shadow: TestDatabase;
  let project: ScratchProject;
  const diff = (schemaPath: string, ...flags: string[]) =>
    runPrisma(
      ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', schemaPath, '--exit-code', ...flags],
      { cwd: project.dir, env: { DATABASE_URL: main.url, SHADOW_DATABASE_URL: shadow.url } },
    );

  beforeAll(async () => {
    [main, shadow, project] = await Promise.all([emptyDatabase(), emptyDatabase(), scratchProject()]);
  });

  afterAll(async () => {
    await Promise.all([main?.drop(), shadow?.drop(), project?.remove()]);
  });

  it('describe the same schema: the engine finds nothing to migrate', async () => {
    const result = await diff('prisma/schema.prisma');

    expect(result.output).not.toMatch(/CREATE|ALTER|DROP/);
    expect(result.code, result.output).toBe(0);
  });

  it('would be caught drifting apart: a column added to the schema alone is reported with exit code 2', async () => {
    const drifted = `${project.dir}/prisma/drifted.prisma`;
    await writeFile(
      drifted,
      (await readFile(project.schemaPath, 'utf8')).replace(/(model User \{\n)/, '$1  nickname String?\n'),
    );

    const result = await diff(drifted, '--script');

    expect(result.stdout).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" TEXT;');
    expect(result.code).toBe(2);
  });
});
