import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { preparingPool } from './prepared-statements.js';
import type { Database } from './schema.js';
import { recordQueryTime } from './query-timing.js';

export type Db = Kysely<Database>;
/** What domain functions take first: the database, or a transaction they run inside. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface PoolStats {
  total: number;
  idle: number;
  /** Requests queued for a connection: above zero, the pool is the bottleneck. */
  waiting: number;
}

export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /** Connections in use or open, for /metrics; the embedded database has exactly one. */
  poolStats(): PoolStats;
  /** Resolves when a trivial query succeeds; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Postgres returns bigint (count(*), sum) as text; our counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface PostgresOptions {
  max?: number;
  /** How long a request may wait for a new connection: Postgres away means a quick 503, not a hung page. */
  connectTimeoutMs?: number;
  /** Longest statement (server statement_timeout; the client gives up 1 s later, for a silent network). 0: none. */
  queryTimeoutMs?: number;
}

export function connectPostgres(connectionString: string, options: PostgresOptions = {}): DatabaseHandle {
  const queryTimeout = options.queryTimeoutMs ?? 0;
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
    idleTimeoutMillis: 30_000,
    application_name: 'hyperstore',
    ...(queryTimeout > 0 ? { statement_timeout: queryTimeout, query_timeout: queryTimeout + 1_000 } : {}),
  });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on('error', () => {});
  // A connection lost while checked out (mid-transaction) fails its query, and pg also emits 'error'
  // on the client, which the pool only listens for while idle: unheard, it would kill the process.
  // The pool never reuses such a client (it is no longer queryable).
  pool.on('connect', (client) => client.on('error', () => {}));
  // The log hook gets its own database so a slow read's plan is asked of the database it ran on.
  const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }), log: (event) => recordQueryTime(event, db) });
  return wrap(db, 'postgres', () => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  }));
}

/** PGlite options that make it answer like the pg driver (int8 as a number) and carry the extensions migrations use. */
export const pgliteOptions = { parsers: { 20: (value: string) => Number.parseInt(value, 10) }, extensions: { pg_trgm } };

/** Embedded Postgres in `dataDir`, or in memory when dataDir is undefined. */
export async function openPglite(dataDir: string | undefined, options: { loadDataDir?: Blob } = {}): Promise<DatabaseHandle> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { ...pgliteOptions, ...options });
  return fromPglite(pglite);
}

export function fromPglite(pglite: PGlite): DatabaseHandle {
  const db: Db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), log: (event) => recordQueryTime(event, db) });
  const handle = wrap(db, 'pglite', () => ({ total: 1, idle: 1, waiting: 0 }));
  return {
    ...handle,
    close: async () => {
      await handle.close();
      // Kysely closes it on destroy today; make sure of it without closing twice.
      if (!pglite.closed) await pglite.close();
    },
  };
}

function wrap(db: Db, kind: DatabaseHandle['kind'], poolStats: () => PoolStats): DatabaseHandle {
  return {
    db,
    kind,
    poolStats,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
