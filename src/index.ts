/**
 * `@ctoprojects/fixtures`: the CTOProjects data model and what test suites need of it.
 */
import './require-node.ts';

// The data layer (the client, its types, the URL helpers and their errors) and the factories:
// each of the two modules is itself a list of named exports, only what users call.
export * from './client/index.ts';
export { OptionError } from './config/option-error.ts';
export * from './factories/index.ts';
export { LocalPostgresError } from './harness/run/servers/local-postgres.ts';
export { TestcontainersServerError } from './harness/run/servers/testcontainers-error.ts';
export { MigrationError } from './harness/shared/apply-migrations.ts';
export { TemplateBuildError } from './harness/shared/template-identity.ts';
export { LeftoverConnectionsError } from './harness/worker/leftover-connections.ts';
export {
  type DatabaseContext,
  type Isolation,
  type WithDatabaseOptions,
  withDatabase,
} from './harness/worker/with-database.ts';
export {
  BASELINE_EMAILS,
  BASELINE_IDS,
  type SeedBaselineOptions,
  type SeedSummary,
  seedBaseline,
} from './seed/baseline.ts';
export { DatabaseNotMigratedError } from './seed/migrated.ts';
export { DatabaseConnectionError } from './sql/connection-error.ts';
