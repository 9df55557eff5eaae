import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropRedisPrefix, scratchRedisPrefix } from '../../scripts/support/scratch-redis.js';
import { childEnv, startServer, type RunningServer } from '../../scripts/support/start-server.js';
import { projectRoot } from '../../src/lib/paths.js';
import { adminQuery, databaseUrlFor } from '../support/postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The store's admin, created at start from ADMIN_EMAIL/ADMIN_PASSWORD (no second factor yet). */
    admin: { email: string; password: string };
  }
}

/**
 * One real store for every journey: embedded by default; with DATABASE_URL, a fresh seeded
 * database on that server (and REDIS_URL passed through), dropped again afterwards.
 */
const admin = { email: 'e2e-owner@example.test', password: 'browser journeys passphrase' };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-e2e-'));
  const serverUrl = process.env.DATABASE_URL;
  const database = serverUrl ? `hs_e2e_${randomBytes(4).toString('hex')}` : undefined;
  // Keys of this run's own on the shared Redis (sessions, caches), removed at the end.
  const redisPrefix = scratchRedisPrefix('e2e');
  let server: RunningServer | undefined;
  const teardown = async () => {
    await server?.stop();
    if (serverUrl && database) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    if (process.env.REDIS_URL) await dropRedisPrefix(process.env.REDIS_URL, redisPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const env = childEnv({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password });
    if (serverUrl && database) {
      await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
      env.DATABASE_URL = databaseUrlFor(serverUrl, database);
      if (process.env.REDIS_URL) Object.assign(env, { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: redisPrefix });
      execFileSync(process.execPath, [join(projectRoot, 'dist', 'src', 'cli', 'seed.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    server = await startServer(env);
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide('baseUrl', server.url);
  project.provide('admin', admin);
  return teardown;
}
