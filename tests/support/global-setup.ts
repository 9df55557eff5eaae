import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { connectPostgres, fromPglite, pgliteOptions } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { adminQuery, databaseUrlFor, dropRunDatabases } from './postgres-admin.js';
// @ts-expect-error: the build script is plain JavaScript, without type declarations
import { buildStylesheetIfNeeded } from '../../scripts/build.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
    /** Real Postgres: a migrated template database each test file copies. */
    templateDatabase: string | null;
    /** Embedded: a migrated PGlite data directory dump each test file loads. */
    pgliteDumpPath: string | null;
  }
}

/**
 * Migrates one database per test run, which every test file then copies, so each file
 * starts from a clean, fully migrated schema in well under a second.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Pages link the built stylesheet, and the page-weight budgets measure it: on a fresh clone
  // (npm ci && npm test, no build yet) it is made here, in about a second.
  buildStylesheetIfNeeded();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  project.provide('runId', runId);
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const template = `hs_test_${runId}_tpl`;
    await adminQuery(serverUrl, `CREATE DATABASE ${template}`);
    const handle = connectPostgres(databaseUrlFor(serverUrl, template), { max: 1 });
    await migrateToLatest(handle.db);
    await handle.close();
    project.provide('templateDatabase', template);
    project.provide('pgliteDumpPath', null);
    return () => dropRunDatabases(serverUrl, runId);
  }
  const directory = mkdtempSync(join(tmpdir(), 'hyperstore-test-'));
  const pglite = await PGlite.create(pgliteOptions);
  const handle = fromPglite(pglite);
  await migrateToLatest(handle.db);
  const dump = await pglite.dumpDataDir('none');
  const dumpPath = join(directory, 'migrated.tar');
  writeFileSync(dumpPath, new Uint8Array(await dump.arrayBuffer()));
  await handle.close();
  project.provide('templateDatabase', null);
  project.provide('pgliteDumpPath', dumpPath);
  return async () => rmSync(directory, { recursive: true, force: true });
}
