/**
 * A scratch copy of the project and a database of its own for each test of a
 * file, both removed after it: the set-up of the CLI tests that change the
 * project's migrations and a database's schema. Read the two through the
 * returned object inside tests and hooks: each test gets new ones.
 */
import { afterEach, beforeEach } from 'vitest';
import { emptyDatabase, type TestDatabase } from './databases.ts';
import { type ScratchProject, scratchProject } from './scratch-project.ts';

export interface ProjectAndDatabase {
  readonly project: ScratchProject;
  readonly database: TestDatabase;
}

export function projectAndDatabasePerTest(
  makeDatabase: () => Promise<TestDatabase> = emptyDatabase,
): ProjectAndDatabase {
  let current: ProjectAndDatabase | undefined;
  beforeEach(async () => {
    const [project, database] = await Promise.all([scratchProject(), makeDatabase()]);
    current = { project, database };
  });
  afterEach(async () => {
    await Promise.all([current?.project.remove(), current?.database.drop()]);
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error('projectAndDatabasePerTest: read the project and database inside a test or a hook.');
    return current;
  };
  return {
    get project() {
      return now().project;
    },
    get database() {
      return now().database;
    },
  };
}
