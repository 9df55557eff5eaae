import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_TYPES } from '../../../src/api/problem-types.js';
import { projectRoot } from '../../../src/lib/paths.js';
import { apiClient } from '../../support/api.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { htmlOf } from '../../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Paths = Record<string, Record<string, Operation>>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** Served by the API app but not operations of it: the document itself and the page made from it. */
const NOT_OPERATIONS = new Set(['GET /openapi.json', 'GET /docs']);

async function operations(): Promise<{ key: string; operation: Operation }[]> {
  const doc = (await apiClient(ctx).document()) as unknown as { paths: Paths };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, operation: item[method]! })),
  );
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (checked against the meta-schema by the client)', async () => {
    expect((await apiClient(ctx).document()).openapi).toBe('3.1.0');
  });

  it('gives every operation a unique camelCase operationId, a summary and a tag', async () => {
    const ids = new Set<string>();
    for (const { key, operation } of await operations()) {
      expect(operation.operationId, key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      expect(ids.has(operation.operationId!), `${key}: operationId ${operation.operationId} is used twice`).toBe(false);
      ids.add(operation.operationId!);
      expect(operation.summary?.trim(), key).toBeTruthy();
      expect(operation.tags?.length, key).toBeGreaterThan(0);
    }
    expect(ids.size).toBeGreaterThanOrEqual(5);
  });

  it('declares 401, 429 and 503 problem responses on every operation, and 413 and 415 where there is a body', async () => {
    for (const { key, operation } of await operations()) {
      const statuses = operation.requestBody ? ['401', '413', '415', '429', '503'] : ['401', '429', '503'];
      for (const status of statuses) {
        expect(operation.responses[status]?.content?.['application/problem+json'], `${key} declares no ${status} problem`).toBeDefined();
      }
    }
  });

  it('lists every route the API app serves', async () => {
    const documented = new Set((await operations()).map(({ key }) => key.replace(/\{([^}]+)\}/g, ':$1')));
    const served = ctx.app.routes
      .filter((route) => route.path.startsWith('/api/v1/') && METHODS.includes(route.method.toLowerCase()))
      .map((route) => `${route.method} ${route.path.slice('/api/v1'.length)}`)
      .filter((key) => !NOT_OPERATIONS.has(key));
    expect(served.length).toBeGreaterThanOrEqual(5);
    for (const key of new Set(served)) expect(documented, `${key} is served but not in openapi.json`).toContain(key);
  });
});

describe('GET /api/v1/docs', () => {
  it('is an HTML page made from the document: every operation with its method, path, summary, auth, parameters, body and responses', async () => {
    const response = await ctx.app.request('/api/v1/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(response.headers.get('Cache-Control')).not.toBe('no-store');
    const page = await htmlOf(response);
    expect(page.querySelector('h1')?.text).toMatch(/API v1/);
    for (const { key, operation } of await operations()) {
      const card = page.querySelector(`[data-operation="${operation.operationId}"]`);
      expect(card, key).not.toBeNull();
      expect(card!.querySelectorAll('h3 span').map((span) => span.text).join(' '), key).toBe(key);
      const text = card!.text.replace(/\s+/g, ' ');
      expect(text, key).toContain(operation.summary);
      expect(text, key).toMatch(/Auth: (Public|Optional|Required)/);
      const codes = card!.querySelectorAll('[data-responses] li code').map((code) => code.text);
      expect(codes.sort(), key).toEqual(Object.keys(operation.responses).sort());
    }
    const move = page.querySelector('[data-operation="changeOrderStatus"]')!;
    expect(move.text).toContain('Required: an access token.');
    expect(move.querySelectorAll('[data-fields] h4').map((heading) => heading.text)).toEqual(['Parameters', 'Request body (application/json)']);
    expect(move.text).toMatch(/trackingNumber/);
    expect(move.text).toMatch(/"processing" \| "shipped" \| "delivered" \| "cancelled"/);
  });

  it('explains authentication, errors (with every problem type in use), pagination, quotas and versioning', async () => {
    const page = await htmlOf(await ctx.app.request('/api/v1/docs'));
    for (const id of ['authentication', 'errors', 'pagination', 'quotas', 'versioning']) expect(page.querySelector(`section#${id}`), id).not.toBeNull();
    const text = page.text.replace(/\s+/g, ' ');
    expect(text).toMatch(/POST \/auth\/refresh rotates/);
    expect(text).toContain('600 requests a minute');
    expect(text).toContain('Sunset');
    const listed = new Set(page.querySelectorAll('[data-problem-type]').map((row) => row.getAttribute('data-problem-type')));
    for (const kind of problemKindsInSource()) expect(listed, `problem type "${kind}" is used in src/api but not explained in src/api/problem-types.ts`).toContain(kind);
  });

  it('loads no third-party or inline script and is served under the store’s CSP', async () => {
    const response = await ctx.app.request('/api/v1/docs');
    expect(response.headers.get('Content-Security-Policy')).toMatch(/script-src/);
    const page = await htmlOf(response);
    const scripts = page.querySelectorAll('script');
    for (const script of scripts) {
      expect(script.getAttribute('src'), script.toString()).toMatch(/^\/[^/]/);
      expect(script.text.trim()).toBe('');
    }
    expect(page.querySelectorAll('[onclick], [onload]')).toHaveLength(0);
    expect(page.querySelector('link[rel="stylesheet"]')?.getAttribute('href')).toMatch(/^\/[^/]/);
  });

  it('answers an unknown path under it with a problem, not a page', async () => {
    const answer = await apiClient(ctx).get('/docs/nothing');
    expect(answer.status).toBe(404);
  });
});

/** Problem kinds named in the API's source: `new ApiProblem(status, 'kind'` and the helpers' kind argument. */
function problemKindsInSource(): string[] {
  const kinds = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const match of source.matchAll(/new ApiProblem\(\d{3}, '([a-z-]+)'/g)) kinds.add(match[1]!);
        for (const match of source.matchAll(/(?:conflict|unprocessable)\([^\n]*?, '([a-z-]+)'\)/g)) kinds.add(match[1]!);
      }
    }
  };
  visit(join(projectRoot, 'src', 'api'));
  expect(kinds.size).toBeGreaterThan(5);
  expect(Object.keys(PROBLEM_TYPES)).toEqual(expect.arrayContaining(['validation', 'rate-limited']));
  return [...kinds];
}
