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
  MigrationFeedback,
  MigrationList,
  SchemaFilter,
  SchemasContainer,
} from '@prisma/schema-engine-wasm';
import type pg from 'pg';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { withClient } from '../sql/with-client.ts';
import { type EngineLog, type EngineSession, openEngineOnAdapter } from './engine-session.ts';
import { pgPoolConfig } from './pg-adapter.ts';
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
 * The native engine warns before a migration destroys data. We check the two
 * destructive steps that lose data silently, dropped tables and dropped
 * columns, against what the main database holds now, and flag a new required
 * column without a default on a table that has rows (PostgreSQL would refuse it).
 */
export async function evaluateDataLoss(
  main: EngineSession,
  input: EvaluateDataLossInput,
  log: EngineLog,
): Promise<EvaluateDataLossOutput> {
  const plan = await planNextMigration(main, input.migrationsList, input.schema, input.filters, log);
  const statements = plan.script.split(/;\s*\n/);
  const warnings: MigrationFeedback[] = [];
  const unexecutableSteps: MigrationFeedback[] = [];
  if (plan.steps === 0) return { migrationSteps: 0, warnings, unexecutableSteps };

  await withClient(pgPoolConfig(main.databases.url), async (client) => {
    for (const [stepIndex, statement] of statements.entries()) {
      for (const table of matches(statement, /DROP TABLE "([^"]+)"/g)) {
        const rows = await countRows(client, table, 'true');
        if (rows > 0)
          warnings.push({
            stepIndex,
            message: `You are about to drop the \`${table}\` table, which is not empty (${rows} rows).`,
          });
      }
      const altered = /ALTER TABLE "([^"]+)"/.exec(statement)?.[1];
      if (!altered) continue;
      for (const column of matches(statement, /DROP COLUMN "([^"]+)"/g)) {
        const rows = await countRows(client, altered, `${quoteIdentifier(column)} IS NOT NULL`);
        if (rows > 0)
          warnings.push({
            stepIndex,
            message: `You are about to drop the column \`${column}\` on the \`${altered}\` table, which still contains ${rows} non-null values.`,
          });
      }
      for (const column of matches(statement, /ADD COLUMN "([^"]+)" [^,;]*NOT NULL(?![^,;]*DEFAULT)/g)) {
        const rows = await countRows(client, altered, 'true');
        if (rows > 0)
          unexecutableSteps.push({
            stepIndex,
            message: `Added the required column \`${column}\` to the \`${altered}\` table without a default value. There are ${rows} rows in this table, it is not possible to execute this step.`,
          });
      }
    }
  });
  return { migrationSteps: plan.steps, warnings, unexecutableSteps };
}

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

async function countRows(client: pg.Client, table: string, condition: string): Promise<number> {
  const quoted = quoteIdentifier(table);
  const exists = await client.query('SELECT to_regclass($1) AS oid', [quoted]);
  if (exists.rows[0].oid === null) return 0;
  const result = await client.query(`SELECT count(*)::int AS n FROM ${quoted} WHERE ${condition}`);
  return result.rows[0].n as number;
}
