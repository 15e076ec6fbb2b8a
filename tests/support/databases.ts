/**
 * Databases for one test file: clones of the migrated template, or empty ones,
 * on the run's server, named with the run's prefix and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@ctoprojects/fixtures';
import type pg from 'pg';
import { inject } from 'vitest';
import { withClient } from '../../src/sql/with-client.ts';

/** The data model's tables, in alphabetical order (`_prisma_migrations` aside). */
export const DATA_TABLES = [
  'audit_logs',
  'content_chunks',
  'generated_assets',
  'interactions',
  'learning_sessions',
  'progress_metrics',
  'study_materials',
  'user_feedback',
  'users',
] as const;

/** Runs one statement on `url` over a connection of its own. */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql)).rows);
}

export interface TestDatabase {
  readonly name: string;
  /** Superuser URL of this database. */
  readonly url: string;
  drop(): Promise<void>;
}

/** A URL on the run's server with `database` in place of `postgres`. */
export function serverUrlFor(database: string): string {
  const url = new URL(inject('serverUrl'));
  url.pathname = `/${database}`;
  return url.toString();
}

function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(inject('serverUrl'), work);
}

async function createDatabase(template: string | undefined): Promise<TestDatabase> {
  const name = `${inject('databasePrefix')}${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
  return {
    name,
    url: serverUrlFor(name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

/** A fresh database with every migration applied. */
export function migratedDatabase(): Promise<TestDatabase> {
  return createDatabase(inject('templateDatabase'));
}

/** A fresh database with nothing in it. */
export function emptyDatabase(): Promise<TestDatabase> {
  return createDatabase(undefined);
}

/** The number of rows in every table of the data model, through `prisma`. */
export async function rowCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  return {
    users: await prisma.user.count(),
    studyMaterials: await prisma.studyMaterial.count(),
    contentChunks: await prisma.contentChunk.count(),
    generatedAssets: await prisma.generatedAsset.count(),
    learningSessions: await prisma.learningSession.count(),
    interactions: await prisma.interaction.count(),
    userFeedback: await prisma.userFeedback.count(),
    progressMetrics: await prisma.progressMetric.count(),
    auditLogs: await prisma.auditLog.count(),
  };
}
