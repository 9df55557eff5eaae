import { Hono } from 'hono';
import type { LogEvent } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordQueryTime, serverTiming } from '../../src/web/server-timing.js';

const query = (ms: number) => ({ level: 'query', queryDurationMillis: ms, query: { sql: 'select 1', parameters: [] } }) as unknown as LogEvent;

describe('serverTiming', () => {
  it('adds the request\'s total and the sum of its query times', async () => {
    const app = new Hono();
    app.use(serverTiming());
    app.get('/', async (c) => {
      await Promise.all([Promise.resolve().then(() => recordQueryTime(query(2.5))), Promise.resolve().then(() => recordQueryTime(query(1)))]);
      return c.text('ok');
    });
    const response = await app.request('/');
    expect(response.headers.get('Server-Timing')).toMatch(/^db;dur=3\.5;desc="2 queries", total;dur=\d+\.\d$/);
  });

  it('counts nothing outside a request, and nothing of another request', async () => {
    recordQueryTime(query(100));
    const app = new Hono();
    app.use(serverTiming());
    app.get('/', (c) => c.text('ok'));
    expect((await app.request('/')).headers.get('Server-Timing')).toMatch(/^db;dur=0\.0;desc="0 queries"/);
  });
});
