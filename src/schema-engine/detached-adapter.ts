/**
 * An adapter with no database behind it, for work that needs none: a diff
 * between two schema files, or an empty schema and a schema file.
 *
 * The native engine does such work without connecting. The WebAssembly
 * engine connects first whatever the work, and asks the server one question
 * (does the schema exist, which version are you) to choose its flavour. This
 * adapter answers that question as a server of unknown version whose schema
 * exists, which the engine takes as plain PostgreSQL with nothing to create,
 * and refuses everything else with an error that says a database is needed.
 */
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';

/** The engine's first query on every connection (prisma-engines, `setup_connection` in its postgres flavour). */
const SETUP_QUERY = /^SELECT EXISTS\(SELECT 1 FROM pg_namespace WHERE nspname = \$1\), version\(\),/;

export class DatabaseNeededError extends Error {
  constructor(reason: string) {
    super(`This command needs a database, and ${reason}: set DATABASE_URL (or DIRECT_DATABASE_URL).`);
    this.name = 'DatabaseNeededError';
  }
}

function detachedAdapter(reason: string): SqlDriverAdapter {
  const refuse = async (): Promise<never> => {
    throw new DatabaseNeededError(reason);
  };
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    queryRaw: async (query: SqlQuery): Promise<SqlResultSet> => {
      if (!SETUP_QUERY.test(query.sql)) return refuse();
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, null, null]],
      };
    },
    executeRaw: refuse,
    executeScript: refuse,
    startTransaction: refuse,
    getConnectionInfo: () => ({ schemaName: 'public', supportsRelationJoins: true }),
    dispose: async () => {},
  };
}

/** A factory whose connections reach no server; `reason` says why, in the error a query gets. */
export function detachedAdapterFactory(reason: string): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => detachedAdapter(reason),
    connectToShadowDb: async () => detachedAdapter(reason),
  };
}
