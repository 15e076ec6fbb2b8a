import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverUrlFor } from '../support/databases.ts';
import { PROJECT_ROOT, runPrisma } from '../support/run-cli.ts';

describe('the migrations and schema.prisma', () => {
  it('describe the same schema: the engine finds nothing to migrate', async () => {
    const result = await runPrisma(
      [
        'migrate',
        'diff',
        '--from-migrations',
        'prisma/migrations',
        '--to-schema',
        'prisma/schema.prisma',
        '--exit-code',
      ],
      { env: { DATABASE_URL: serverUrlFor('postgres') } },
    );

    expect(result.output).not.toMatch(/CREATE|ALTER|DROP/);
    expect(result.code).toBe(0);
  });

  it('would be caught drifting apart: a column added to the schema alone is reported with exit code 2', async () => {
    const project = await mkdtemp(join(tmpdir(), 'fixtures-drift-'));
    await cp(join(PROJECT_ROOT, 'prisma'), join(project, 'prisma'), { recursive: true });
    const schemaPath = join(project, 'prisma', 'schema.prisma');
    const schema = await readFile(schemaPath, 'utf8');
    await writeFile(schemaPath, schema.replace(/(model User \{\n)/, '$1  nickname String?\n'));

    const result = await runPrisma(
      [
        'migrate',
        'diff',
        '--from-migrations',
        join(project, 'prisma/migrations'),
        '--to-schema',
        schemaPath,
        '--script',
        '--exit-code',
      ],
      { env: { DATABASE_URL: serverUrlFor('postgres') } },
    );

    expect(result.stdout).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" TEXT;');
    expect(result.code).toBe(2);
  });
});
