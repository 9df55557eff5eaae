import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../support/api.js';
import { createTestApp, type TestContext } from '../../support/app.js';

describe('the JSON API foundation', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());

  it('serves a valid OpenAPI 3.1 document', async () => {
    const doc = await apiClient(ctx).document();
    expect(doc.openapi).toBe('3.1.0');
  });

  it('answers an unknown path with problem+json 404, not the shop page', async () => {
    const answer = await apiClient(ctx).get('/no-such-thing');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('Content-Type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 404, title: 'Not found', type: expect.stringContaining('/problems/not-found') });
  });

  it('refuses a malformed bearer header and an unknown token with 401', async () => {
    const api = apiClient(ctx);
    const malformed = await api.get('/no-such-thing', { headers: { Authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    const unknown = await api.get('/no-such-thing', { token: 'hsa_' + 'a'.repeat(32) });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toMatch(/unknown, expired or revoked/);
  });

  it('refuses a body that is not JSON with 415 and one that is too large with 413', async () => {
    const api = apiClient(ctx);
    const form = await api.call('POST', '/auth/login', { raw: 'email=a', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const huge = await api.call('POST', '/auth/login', { raw: JSON.stringify({ email: 'x'.repeat(100_000) }), headers: { 'Content-Type': 'application/json' } });
    expect(huge.status).toBe(413);
  });

  it('reports its quota in RateLimit headers and sends no cookies', async () => {
    const answer = await ctx.app.request('/api/v1/openapi.json');
    expect(answer.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(answer.headers.get('RateLimit-Limit')).toBe('600');
    expect(Number(answer.headers.get('RateLimit-Remaining'))).toBeLessThan(600);
    expect(answer.headers.get('Set-Cookie')).toBeNull();
  });
});
