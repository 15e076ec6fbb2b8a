/**
 * What the `db` fixture builds for each test: its data scope and its
 * context with factories. index.ts imports this module beside the file's
 * first database rather than with the entry, so that faker, fishery and the
 * factories load while the database is handed out.
 */
export { enterDataScope } from '../factories/data-scope.ts';
export { createDatabaseContext } from '../harness/worker/database-context.ts';
