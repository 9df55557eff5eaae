import { join } from 'node:path';
import type { Config } from '../config.js';
import { connectPostgres, openPglite, type DatabaseHandle } from './database.js';

/** Postgres when DATABASE_URL is set; otherwise the embedded database in DATA_DIR. */
export function openDatabase(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & Partial<Pick<Config, 'DB_CONNECT_TIMEOUT_MS' | 'DB_QUERY_TIMEOUT_MS'>>): Promise<DatabaseHandle> | DatabaseHandle {
  return config.DATABASE_URL ? connectPostgres(config.DATABASE_URL, { connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS, queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS }) : openPglite(join(config.DATA_DIR, 'pglite'));
}
