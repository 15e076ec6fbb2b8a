/**
 * `db pull` through the real CLI on the offline engine, against real
 * PostgreSQL databases: one this project never made (an enum, composite keys,
 * an expression index, a partial index, a view, a second schema, a CHECK),
 * an empty one, and this project's own, whose introspection must come back
 * to the data model it was migrated from. The cases follow what Prisma's own
 * tests check (prisma/prisma, packages/migrate/src/__tests__/DbPull/
 * postgresql*.test.ts: introspection, views, several schemas, P4001 on an
 * empty database); the databases are ours, and the expected rendering is the
 * engine's (the same build as the CLI's native engine), in Prisma's words.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, migratedDatabase, query, type TestDatabase } from '../support/databases.ts';
import { runPrisma } from '../support/run-cli.ts';
import { type ScratchProject, scratchProject } from '../support/scratch-project.ts';

/** A database as another team's tools would leave it. */
const FOREIGN = `
  CREATE TYPE mood AS ENUM ('calm', 'curious');
  CREATE TABLE learner (id serial PRIMARY KEY, email text NOT NULL, mood mood NOT NULL DEFAULT 'calm', CHECK (email <> ''));
  CREATE UNIQUE INDEX learner_email_lower ON learner (lower(email));
  CREATE TABLE enrolment (
    learner_id int NOT NULL REFERENCES learner(id) ON DELETE CASCADE,
    course text NOT NULL,
    PRIMARY KEY (learner_id, course)
  );
  CREATE INDEX enrolment_open ON enrolment (course) WHERE course <> 'closed';
  CREATE VIEW calm_learners AS SELECT id, email FROM learner WHERE mood = 'calm';
  CREATE SCHEMA reporting;
  CREATE TABLE reporting.daily (day date NOT NULL, metric text NOT NULL, value int, PRIMARY KEY (day, metric));`;

/** The schema a team starts from to pull such a database: views on, both schemas listed. */
const STARTING_SCHEMA = `generator client {
  provider        = "prisma-client"
  output          = "./generated"
  previewFeatures = ["views"]
}

datasource db {
  provider = "postgresql"
  schemas  = ["public", "reporting"]
}
`;

let project: ScratchProject;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  project = await scratchProject();
  await writeFile(join(project.dir, 'foreign.prisma'), STARTING_SCHEMA);
});

afterAll(async () => {
  await Promise.all([project.remove(), ...databases.map((database) => database.drop())]);
});

async function database(make: () => Promise<TestDatabase>, sql?: string): Promise<TestDatabase> {
  const made = await make();
  databases.push(made);
  if (sql) await query(made.url, sql);
  return made;
}

const pull = (url: string, ...args: string[]) =>
  runPrisma(['db', 'pull', ...args], { cwd: project.dir, env: { DATABASE_URL: url } });

describe('db pull on a database this project did not make', () => {
  let printed: Awaited<ReturnType<typeof pull>>;

  beforeAll(async () => {
    const foreign = await database(emptyDatabase, FOREIGN);
    printed = await pull(foreign.url, '--print', '--schema', 'foreign.prisma');
  });

  it('prints the models, with composite keys and the relation between them', () => {
    expect(printed.code, printed.output).toBe(0);
    expect(printed.stdout).toContain(
      'model enrolment {\n  learner_id Int\n  course     String\n' +
        '  learner    learner @relation(fields: [learner_id], references: [id], onDelete: Cascade, onUpdate: NoAction)\n\n' +
        '  @@id([learner_id, course])\n',
    );
    expect(printed.stdout).toContain(
      'model learner {\n  id        Int         @id @default(autoincrement())\n  email     String\n' +
        '  mood      mood        @default(calm)\n  enrolment enrolment[]\n\n  @@schema("public")\n}',
    );
  });

  it('prints the enum, the view and the second schema', () => {
    expect(printed.stdout).toContain('enum mood {\n  calm\n  curious\n\n  @@schema("public")\n}');
    expect(printed.stdout).toContain('view calm_learners {\n  id    Int?\n  email String?\n\n  @@schema("public")\n}');
    expect(printed.stdout).toContain(
      'model daily {\n  day    DateTime @db.Date\n  metric String\n  value  Int?\n\n  @@id([day, metric])\n  @@schema("reporting")\n}',
    );
  });

  it('keeps a partial index, turning on the preview feature it needs', () => {
    expect(printed.stdout).toContain('previewFeatures = ["views", "partialIndexes"]');
    expect(printed.stdout).toContain(
      `@@index([course], map: "enrolment_open", where: raw("(course <> 'closed'::text)"))`,
    );
  });

  it('marks what Prisma cannot express, and says so in its warnings: the CHECK and the expression index', () => {
    expect(printed.stdout).toContain(
      '/// This table contains check constraints and requires additional setup for migrations. Visit https://pris.ly/d/check-constraints for more info.\n' +
        '/// This model contains an expression index which requires additional setup for migrations. Visit https://pris.ly/d/expression-indexes for more info.\n' +
        'model learner {',
    );
    expect(printed.stderr).toContain(
      '// These constraints are not supported by Prisma Client, because Prisma currently does not fully support check constraints. Read more: https://pris.ly/d/check-constraints\n' +
        '//   - Model: "learner", constraint: "learner_email_check"',
    );
    expect(printed.stderr).toContain(
      '// These indexes are not supported by Prisma Client, because Prisma currently does not fully support expression indexes. Read more: https://pris.ly/d/expression-indexes\n' +
        '//   - Model: "learner", constraint: "learner_email_lower"',
    );
  });

  it('writes the schema file without --print, and says what it wrote', async () => {
    const foreign = databases[0] as TestDatabase;
    await writeFile(join(project.dir, 'written.prisma'), STARTING_SCHEMA);

    const result = await pull(foreign.url, '--schema', 'written.prisma');

    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Introspected 3 models and wrote them into written\.prisma in \d+(?:ms|\.\d+s)/);
    expect(result.output).toContain('Run prisma generate to generate Prisma Client.');
    expect((await readFile(join(project.dir, 'written.prisma'), 'utf8')).trim()).toBe(printed.stdout.trim());
  });
});

describe('db pull', () => {
  it('refuses an empty database with P4001, and writes nothing', async () => {
    const empty = await database(emptyDatabase);
    await writeFile(join(project.dir, 'empty.prisma'), STARTING_SCHEMA);

    const result = await pull(empty.url, '--schema', 'empty.prisma');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('P4001 The introspected database was empty:');
    expect(await readFile(join(project.dir, 'empty.prisma'), 'utf8')).toBe(STARTING_SCHEMA);
  });

  it("gives back this project's data model from a database its migrations made", async () => {
    const ours = await database(migratedDatabase);

    const pulled = await pull(ours.url, '--print');
    await writeFile(join(project.dir, 'pulled.prisma'), pulled.stdout);
    const drift = await runPrisma(
      ['migrate', 'diff', '--from-schema', 'pulled.prisma', '--to-schema', 'prisma/schema.prisma', '--exit-code'],
      { cwd: project.dir },
    );

    expect(pulled.code, pulled.output).toBe(0);
    expect(drift.code, drift.output).toBe(0);
    expect(drift.stdout).toContain('No difference detected.');
    // Its 24 CHECK constraints and the lower(email) index are listed for what they are.
    const checks = await query<{ conname: string }>(
      ours.url,
      "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid <> 0", // not information_schema's domains
    );
    expect(checks).toHaveLength(24);
    for (const { conname } of checks) expect(pulled.stderr).toContain(`constraint: "${conname}"`);
    expect(pulled.stderr).toContain('//   - Model: "User", constraint: "users_email_lower_key"');
  });
});
