import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { connectPostgres, fromPglite, pgliteOptions, type DatabaseHandle } from '../../src/db/database.js';
import { adminQuery, databaseUrlFor } from './postgres-admin.js';

let pgliteDump: Blob | undefined;

/**
 * A fresh, migrated, empty database of its own: a copy of the run's template on real
 * Postgres (DATABASE_URL set), or a new embedded PGlite otherwise. close() removes it.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL;
  const template = inject('templateDatabase');
  if (serverUrl && template) return copyTemplate(serverUrl, template);
  pgliteDump ??= new Blob([readFileSync(inject('pgliteDumpPath')!)]);
  return fromPglite(await PGlite.create({ ...pgliteOptions, loadDataDir: pgliteDump }));
}

async function copyTemplate(serverUrl: string, template: string): Promise<DatabaseHandle> {
  const name = `hs_test_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  // Two copies of one template at the same moment can collide ("being accessed by other users").
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
  const handle = connectPostgres(databaseUrlFor(serverUrl, name), { max: 5 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
