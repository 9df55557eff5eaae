import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromPglite, type DatabaseHandle } from '../../src/db/database.js';
import { logSlowQueries } from '../../src/db/query-timing.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = fromPglite(await PGlite.create());
});
afterAll(() => database.close());
afterEach(() => logSlowQueries(undefined));

function capture() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return { lines, log: { warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }) } };
}

const email = 'private.person@example.test';

describe('slow query log', () => {
  it('logs a query over the threshold once, with its SQL and duration but never its parameters', async () => {
    const { lines, log } = capture();
    logSlowQueries(log, 30);
    await sql`select pg_sleep(0.06), ${email}::text as email, ${'s3cret-token'}::text as token`.execute(database.db);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line!.message).toBe('slow query');
    expect(line!.fields.sql).toBe('select pg_sleep(0.06), $1::text as email, $2::text as token');
    expect(line!.fields.ms).toBeGreaterThanOrEqual(30);
    const written = JSON.stringify(line);
    expect(written).not.toContain(email);
    expect(written).not.toContain('s3cret-token');
  });

  it('stays quiet under the threshold, and when no log is set', async () => {
    const { lines, log } = capture();
    logSlowQueries(log, 1_000);
    await sql`select ${email}::text`.execute(database.db);
    logSlowQueries(undefined);
    await sql`select pg_sleep(0.02)`.execute(database.db);
    expect(lines).toEqual([]);
  });

  it('reports a failed slow query as failed, still without parameters', async () => {
    const { lines, log } = capture();
    logSlowQueries(log, 10);
    // pg_sleep is volatile, so the failing cast runs after the sleep, not at planning.
    await expect(sql`select (pg_sleep(0.03)::text || ${email})::int`.execute(database.db)).rejects.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields).toMatchObject({ failed: true, sql: 'select (pg_sleep(0.03)::text || $1)::int' });
    expect(JSON.stringify(lines[0])).not.toContain(email);
  });
});
