import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * Makes the pg clients Kysely uses run each distinct SQL text as a named prepared
 * statement, so Postgres parses and plans a page's query once per connection instead of on
 * every request (measured: planning the listing query costs about as much as running it).
 *
 * Statement texts are bounded: the first `limit` distinct texts are prepared, the rest run
 * unnamed as before, so a query built with ever-changing text cannot fill the server's
 * memory with plans.
 */
export function preparingPool(pool: pg.Pool, limit = 200): PostgresPool {
  // null: a text that must run unprepared from now on.
  const names = new Map<string, string | null>();
  const nameFor = (text: string): string | null | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < limit) {
      name = `hs_${createHash('sha1').update(text).digest('base64url').slice(0, 16)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      return {
        query: async (text: string, values: unknown[]) => {
          const name = nameFor(text);
          if (!name) return client.query(text, values);
          try {
            return await client.query({ name, text, values });
          } catch (error) {
            // A migration changed a table under a prepared `SELECT *`: run this text unprepared
            // from now on (the stale plan stays on connections that already prepared it).
            if ((error as { code?: string }).code !== '0A000') throw error;
            names.set(text, null);
            return client.query(text, values);
          }
        },
        release: () => client.release(),
      } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
    options: pool.options,
  };
}
