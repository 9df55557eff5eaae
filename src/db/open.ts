import { join } from 'node:path';
import type { Config } from '../config.js';
import { connectPostgres, openPglite, type DatabaseHandle } from './database.js';

/** Postgres when DATABASE_URL is set; otherwise the embedded database in DATA_DIR. */
export function openDatabase(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): Promise<DatabaseHandle> | DatabaseHandle {
  return config.DATABASE_URL ? connectPostgres(config.DATABASE_URL) : openPglite(join(config.DATA_DIR, 'pglite'));
}
