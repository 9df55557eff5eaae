import { Migrator } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';
import type { Db } from './database.js';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Brings the schema to the newest migration; safe to run at every start and from several processes. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new MigrationError(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return results.map((result) => result.migrationName);
}
