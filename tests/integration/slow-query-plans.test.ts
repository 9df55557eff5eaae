import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { logSlowQueries, slowQueryPlansSettled } from '../../src/db/query-timing.js';
import { createTestDatabase } from '../support/db.js';

// On the suite's database: embedded PGlite, or real Postgres when DATABASE_URL is set.
let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
afterEach(() => logSlowQueries(undefined));

function capture() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return { lines, log: { warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }) }, plans: () => lines.filter((line) => line.message === 'slow query plan') };
}

const secretSlug = 'private-slug-of-a-shopper';
const slowRead = (slug: string) => sql`select pg_sleep(0.15), (select count(*) from categories where slug = ${slug}) as matches`;

describe('slow query plans', () => {
  it('logs a slow read’s plan shape with its SQL text, never its parameter values', async () => {
    const { lines, log, plans } = capture();
    logSlowQueries(log, 100);
    await slowRead(secretSlug).execute(database.db);
    await slowQueryPlansSettled();
    expect(lines.map((line) => line.message)).toEqual(['slow query', 'slow query plan']);
    const [plan] = plans();
    expect(plan!.fields.sql).toBe('select pg_sleep(0.15), (select count(*) from categories where slug = $1) as matches');
    // The unique index on slug answers the lookup: the shape names the node, the index and the table.
    expect(plan!.fields.shape).toMatch(/^Result > InitPlan: Aggregate > Index Only Scan using categories_slug_key on categories$/);
    expect(plan!.fields.cost).toEqual(expect.any(Number));
    expect(JSON.stringify(lines)).not.toContain(secretSlug);
  });

  it('asks no plan for a slow write, nor for a quick read', async () => {
    const { lines, log, plans } = capture();
    logSlowQueries(log, 100);
    await sql`insert into categories (slug, name) select ${'slow-write'}, ${'Slow write'} from pg_sleep(0.15)`.execute(database.db);
    await sql`select count(*) from categories where slug = ${secretSlug}`.execute(database.db);
    await slowQueryPlansSettled();
    expect(lines.map((line) => line.message)).toEqual(['slow query']);
    expect(lines[0]!.fields.sql).toMatch(/^insert into categories/);
    expect(plans()).toEqual([]);
  });

  it('asks for one SQL text’s plan at most once per window, whatever its parameters', async () => {
    const { lines, log, plans } = capture();
    logSlowQueries(log, 100, { planEveryMs: 60_000 });
    await slowRead('first').execute(database.db);
    await slowRead('second').execute(database.db);
    await sql`select pg_sleep(0.15), 'another text' as other`.execute(database.db);
    await slowQueryPlansSettled();
    expect(lines.filter((line) => line.message === 'slow query')).toHaveLength(3);
    expect(plans().map((plan) => plan.fields.sql)).toEqual([
      'select pg_sleep(0.15), (select count(*) from categories where slug = $1) as matches',
      "select pg_sleep(0.15), 'another text' as other",
    ]);
  });

  it('asks again once the window has passed', async () => {
    const { log, plans } = capture();
    logSlowQueries(log, 100, { planEveryMs: 50 });
    await slowRead('first').execute(database.db);
    await slowQueryPlansSettled();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await slowRead('second').execute(database.db);
    await slowQueryPlansSettled();
    expect(plans()).toHaveLength(2);
  });
});
