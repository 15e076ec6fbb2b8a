/**
 * The data-loss checks of `migrate dev`, made by Prisma's own checker.
 *
 * The WebAssembly engine refuses `evaluateDataLoss` (it wants its shadow
 * database from an external factory), but it carries the native engine's
 * destructive-change checker, which `schemaPush` runs: the steps from the
 * live database to the schema, checked against that database's rows
 * (required columns added to tables with rows, dropped tables and columns
 * with data, enum values removed, unique constraints added, casts, changed
 * primary keys…), in Prisma's own words.
 *
 * We run `schemaPush` without `force` on a read-only connection to the main
 * database. With a finding, the engine stops before applying anything and
 * returns it. With none, it tries to apply the steps and PostgreSQL refuses
 * (the session is read-only): that refusal means "nothing to report", and
 * nothing was written either way.
 *
 * The steps from the live database are those of the next migration, because
 * `migrate dev` asks once the database holds every migration (drift would
 * have stopped it first).
 */
import type { MigrationFeedback, SchemaFilter, SchemasContainer } from '@prisma/schema-engine-wasm';
import { type EngineLog, openEngineSession } from './engine-session.ts';

export interface DataLossFindings {
  /** Steps that may lose data: `migrate dev` asks before it goes on. */
  readonly warnings: readonly string[];
  /** Steps that cannot run on this data: `migrate dev` stops before it writes the migration. */
  readonly unexecutable: readonly string[];
}

/** PostgreSQL's refusal of a write in a read-only transaction. */
const READ_ONLY_REFUSAL = /read-only transaction/;

/** Checks what turning the database at `url` into `schema` would do to its data. */
export async function findDataLoss(
  url: URL,
  schema: SchemasContainer,
  filters: SchemaFilter,
  log: EngineLog,
): Promise<DataLossFindings> {
  const datamodels = schema.files.map((file): [string, string] => [file.path, file.content]);
  const session = await openEngineSession({ url, readOnly: true }, datamodels, log);
  try {
    const { warnings, unexecutable } = await session.engine.schemaPush({ schema, force: false, filters });
    return { warnings, unexecutable };
  } catch (error) {
    const { message } = session.explain(error) as Error;
    if (READ_ONLY_REFUSAL.test(message)) return { warnings: [], unexecutable: [] };
    throw error;
  } finally {
    await session.close();
  }
}

/**
 * Each finding with the index of the migration step it is about: the step
 * (a `-- AlterTable` section…) of `script` whose SQL names every identifier
 * the message quotes in backticks, or the first step when none does.
 * Prisma prints the index of unexecutable steps ("• Step 0 Added the
 * required column…").
 */
export function withStepIndexes(script: string, messages: readonly string[]): MigrationFeedback[] {
  const steps = script.split(/^(?=-- [A-Z]\w*$)/m).filter((step) => /^-- [A-Z]\w*$/m.test(step));
  return messages.map((message) => {
    const names = [...message.matchAll(/`([^`\s]+)`/g)].map((match) => `"${match[1]}"`);
    const stepIndex = steps.findIndex((step) => names.every((name) => step.includes(name)));
    return { message, stepIndex: Math.max(stepIndex, 0) };
  });
}
