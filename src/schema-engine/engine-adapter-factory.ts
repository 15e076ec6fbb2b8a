/**
 * What the engine is handed (`SchemaEngine.new`): an adapter factory that
 * connects to the database it works on (pg-adapter.ts) and, for Migrate, to
 * a shadow database (shadow-database.ts).
 */
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { EngineDatabases } from './engine-databases.ts';
import { connectAdapter } from './pg-adapter.ts';
import { connectToShadowDatabase } from './shadow-database.ts';

/** The adapter factory handed to `SchemaEngine.new`. */
export function engineAdapterFactory(databases: EngineDatabases): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectAdapter(databases.url, { readOnly: databases.readOnly ?? false }),
    connectToShadowDb: async () => {
      if (databases.readOnly)
        throw new Error('A read-only engine session has no shadow database: it may not create one.');
      return connectToShadowDatabase(databases);
    },
  };
}
