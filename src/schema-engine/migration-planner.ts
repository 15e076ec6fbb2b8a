/**
 * `createMigration` and `evaluateDataLoss`, which the WebAssembly engine
 * refuses ("PostgreSQL shadow DB must be provided through an external
 * factory"), composed from methods it does run, the way the native engine
 * does it internally: replay the migrations on a shadow database, then diff
 * that database against the schema.
 */
import type {
  CreateMigrationInput,
  CreateMigrationOutput,
  EvaluateDataLossInput,
  EvaluateDataLossOutput,
  MigrationList,
  SchemaFilter,
  SchemasContainer,
} from '@prisma/schema-engine-wasm';
import { findDataLoss, withStepIndexes } from './data-loss.ts';
import { type EngineLog, type EngineSession, openEngineOnAdapter } from './engine-session.ts';
import { connectToShadowDatabase } from './shadow-database.ts';

const EMPTY_MIGRATION = '-- This is an empty migration.';

export interface MigrationPlan {
  /** The SQL of the next migration: what turns the migrations' schema into the Prisma schema. */
  readonly script: string;
  /** How many steps (`-- CreateTable`, `-- AlterTable`, …) the script has. */
  readonly steps: number;
}

/** Replays `migrationsList` on a shadow database and diffs it against `schema`. */
export async function planNextMigration(
  main: EngineSession,
  migrationsList: MigrationList,
  schema: SchemasContainer,
  filters: SchemaFilter,
  log: EngineLog,
): Promise<MigrationPlan> {
  const shadowAdapter = await connectToShadowDatabase(main.databases);
  const datamodels = schema.files.map((file): [string, string] => [file.path, file.content]);
  const shadow = await openEngineOnAdapter(shadowAdapter, main.databases, datamodels, log).catch(async (error) => {
    await shadowAdapter.dispose();
    throw error;
  });
  try {
    if (migrationsList.shadowDbInitScript.trim() !== '') {
      await shadowAdapter.executeScript(migrationsList.shadowDbInitScript);
    }
    await shadow.engine.applyMigrations({ migrationsList, filters });
    const diff = await shadow.engine.diff({
      from: { tag: 'schemaDatasource', files: schema.files, configDir: migrationsList.baseDir },
      to: { tag: 'schemaDatamodel', files: schema.files },
      script: true,
      exitCode: false,
      filters,
    });
    const script = diff.stdout ?? '';
    return { script, steps: countSteps(script) };
  } catch (error) {
    throw shadow.explain(error);
  } finally {
    await shadow.close();
  }
}

function countSteps(script: string): number {
  return script.split('\n').filter((line) => /^-- [A-Z]\w*$/.test(line.trim())).length;
}

/** `20261125143000`: the UTC timestamp that prefixes a migration's folder, as the native engine writes it. */
function migrationTimestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export async function createMigration(
  main: EngineSession,
  input: CreateMigrationInput,
  log: EngineLog,
): Promise<CreateMigrationOutput> {
  const plan = await planNextMigration(main, input.migrationsList, input.schema, input.filters, log);
  const name = input.migrationName === '' ? migrationTimestamp() : `${migrationTimestamp()}_${input.migrationName}`;
  const script = plan.steps > 0 ? plan.script : input.draft ? EMPTY_MIGRATION : null;
  return { connectorType: 'postgresql', generatedMigrationName: name, migrationScript: script, extension: 'sql' };
}

/**
 * The native engine's `evaluateDataLoss`: how many steps the next migration
 * has, and what they would do to the main database's data (data-loss.ts).
 */
export async function evaluateDataLoss(
  main: EngineSession,
  input: EvaluateDataLossInput,
  log: EngineLog,
): Promise<EvaluateDataLossOutput> {
  const plan = await planNextMigration(main, input.migrationsList, input.schema, input.filters, log);
  if (plan.steps === 0) return { migrationSteps: 0, warnings: [], unexecutableSteps: [] };
  const findings = await findDataLoss(main.databases.url, input.schema, input.filters, log);
  return {
    migrationSteps: plan.steps,
    warnings: withStepIndexes(plan.script, findings.warnings),
    unexecutableSteps: withStepIndexes(plan.script, findings.unexecutable),
  };
}
