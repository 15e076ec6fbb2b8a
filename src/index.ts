/**
 * `@ctoprojects/fixtures`: the CTOProjects data model and what test suites need of it.
 */
import './require-node.ts';

// The data layer (the client, its types, the URL helpers), then what test suites add to it.
export * from './client/index.ts';
export * from './factories/index.ts';
export {
  type DatabaseContext,
  type Isolation,
  LeftoverConnectionsError,
  type WithDatabaseOptions,
  withDatabase,
} from './harness/with-database.ts';
export {
  BASELINE_EMAILS,
  BASELINE_IDS,
  type SeedBaselineOptions,
  type SeedSummary,
  seedBaseline,
} from './seed/baseline.ts';
export { DatabaseNotMigratedError } from './seed/migrated.ts';
