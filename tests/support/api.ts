import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { TestContext } from './app.js';

/**
 * A JSON API client over app.request() that checks every answer against the OpenAPI document
 * the app itself serves: the status must be one the operation declares, and the body must
 * match that response's schema. A test that talks to the API through this cannot pass while
 * the document lies.
 */
// Answers are loosely typed on purpose: each is checked against openapi.json, which is the real guard.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface ApiAnswer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiCall {
  token?: string;
  json?: unknown;
  /** A raw body (malformed JSON, a form): sent as is, with `headers` saying what it is. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface ApiClient {
  call<T = Json>(method: string, path: string, options?: ApiCall): Promise<ApiAnswer<T>>;
  get<T = Json>(path: string, options?: ApiCall): Promise<ApiAnswer<T>>;
  post<T = Json>(path: string, json?: unknown, options?: ApiCall): Promise<ApiAnswer<T>>;
  /** The document, validated once against the OpenAPI 3.1 meta-schema. */
  document(): Promise<OpenApiDocument>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components?: Record<string, unknown>;
}

const documents = new WeakMap<TestContext, Promise<{ doc: OpenApiDocument; ajv: Ajv2020; validators: Map<string, ValidateFunction> }>>();

async function loadDocument(ctx: TestContext) {
  let loaded = documents.get(ctx);
  if (!loaded) {
    loaded = (async () => {
      const response = await ctx.app.request('/api/v1/openapi.json');
      expect(response.status).toBe(200);
      const doc = (await response.json()) as OpenApiDocument;
      const result = await new Validator().validate(doc as never);
      expect(result.errors ?? [], 'openapi.json must be a valid OpenAPI 3.1 document').toEqual([]);
      expect(result.valid).toBe(true);
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ $id: 'openapi', components: doc.components ?? {} });
      return { doc, ajv, validators: new Map() };
    })();
    documents.set(ctx, loaded);
  }
  return loaded;
}

/** The document's path template that a concrete path matches ("/orders/{number}" for "/orders/HS-…"). */
function templateFor(doc: OpenApiDocument, method: string, path: string): string | undefined {
  const bare = path.split('?')[0]!;
  return Object.keys(doc.paths).find((template) => {
    if (!doc.paths[template]?.[method]) return false;
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(bare);
  });
}

export function apiClient(ctx: TestContext): ApiClient {
  const call = async <T>(method: string, path: string, options: ApiCall = {}): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['Content-Type'] ??= 'application/json';
    } else if (options.raw !== undefined) body = options.raw;
    const response = await ctx.app.request(`/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const type = response.headers.get('Content-Type') ?? '';
    const parsed = text && /json/.test(type) ? JSON.parse(text) : text;
    await checkAgainstDocument(ctx, method.toLowerCase(), path, response.status, type, parsed);
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
  return {
    call,
    get: (path, options) => call('GET', path, options),
    post: (path, json, options) => call('POST', path, { ...options, ...(json === undefined ? {} : { json }) }),
    document: async () => (await loadDocument(ctx)).doc,
  };
}

async function checkAgainstDocument(ctx: TestContext, method: string, path: string, status: number, type: string, body: unknown): Promise<void> {
  const { doc, ajv, validators } = await loadDocument(ctx);
  const template = templateFor(doc, method, path);
  // Requests to paths the API does not have must still answer in the one error shape.
  if (!template) {
    expect(type, `${method.toUpperCase()} ${path} is not in openapi.json; its ${status} must be problem+json`).toMatch(/^application\/problem\+json/);
    expect(status).toBeGreaterThanOrEqual(400);
    return;
  }
  const responses = doc.paths[template]![method]!.responses;
  const declared = responses[String(status)] ?? responses.default;
  expect(declared, `${method.toUpperCase()} ${template} answered ${status}, which openapi.json does not declare`).toBeDefined();
  if (status === 304 || status === 204) return;
  const mediaType = type.split(';')[0]!.trim();
  const content = declared!.content?.[mediaType];
  expect(content, `${method.toUpperCase()} ${template} ${status}: openapi.json declares no ${mediaType} body`).toBeDefined();
  const key = `${method} ${template} ${status} ${mediaType}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(content!.schema) as object);
    validators.set(key, validate);
  }
  const valid = validate(body);
  expect(valid ? [] : validate.errors, `${key}: the body does not match its schema`).toEqual([]);
}

/** "#/components/…" refs point into the document registered under the id "openapi". */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? value.replace(/^#/, 'openapi#') : rewriteRefs(value)]));
  }
  return schema;
}
