/**
 * The docs page's view of the OpenAPI document: operations grouped by tag, each with its auth,
 * parameters, body fields and responses in words. Pure: it reads the same document that
 * /api/v1/openapi.json serves, so the page cannot describe an API the document does not.
 */

// The document is plain JSON here; only the parts the page shows are typed.
interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
}

export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FieldDoc {
  name: string;
  where?: string;
  type: string;
  required: boolean;
  description: string;
}

export interface OperationDoc {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  auth: string;
  parameters: FieldDoc[];
  body: FieldDoc[] | undefined;
  responses: { status: string; description: string }[];
}

export interface ApiDocsModel {
  title: string;
  version: string;
  description: string;
  baseUrl: string;
  tags: { name: string; operations: OperationDoc[] }[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function docsModel(doc: OpenApiDoc): ApiDocsModel {
  const byTag = new Map<string, OperationDoc[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationDoc(doc, method, path, operation)]);
    }
  }
  return {
    title: doc.info.title,
    version: doc.info.version,
    description: doc.info.description ?? '',
    baseUrl: doc.servers?.[0]?.url ?? '/api/v1',
    tags: [...byTag].map(([name, operations]) => ({ name, operations })),
  };
}

function operationDoc(doc: OpenApiDoc, method: string, path: string, operation: Operation): OperationDoc {
  return {
    id: operation.operationId ?? `${method}-${path}`,
    method: method.toUpperCase(),
    path,
    summary: operation.summary ?? '',
    description: operation.description ?? '',
    auth: authText(operation.security),
    parameters: (operation.parameters ?? []).map((parameter) => ({
      name: parameter.name,
      where: parameter.in,
      type: typeText(doc, parameter.schema ?? {}),
      required: Boolean(parameter.required),
      description: parameter.description ?? parameter.schema?.description ?? '',
    })),
    body: bodyFields(doc, operation.requestBody?.content?.['application/json']?.schema),
    responses: Object.entries(operation.responses ?? {}).map(([status, response]) => ({ status, description: response.description ?? '' })),
  };
}

function authText(security: Operation['security']): string {
  if (!security?.length) return 'Public: no token needed.';
  const schemes = new Set(security.flatMap((requirement) => Object.keys(requirement)));
  const optional = security.some((requirement) => Object.keys(requirement).length === 0);
  const names = [schemes.has('bearerToken') ? 'an access token' : '', schemes.has('apiKey') ? 'an API key' : ''].filter(Boolean).join(' or ');
  return optional ? `Optional: public, or ${names}.` : `Required: ${names}.`;
}

function resolve(doc: OpenApiDoc, schema: Schema): Schema {
  const name = schema.$ref?.split('/').pop();
  return name ? (doc.components?.schemas?.[name] ?? {}) : schema;
}

function bodyFields(doc: OpenApiDoc, schema: Schema | undefined): FieldDoc[] | undefined {
  if (!schema) return undefined;
  const object = resolve(doc, schema);
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeText(doc, property),
    required: (object.required ?? []).includes(name),
    description: property.description ?? resolve(doc, property).description ?? '',
  }));
}

/** A schema as a reader would write it: "string (date-time)", "'paid' | 'shipped'", "Address[]". */
export function typeText(doc: OpenApiDoc, schema: Schema): string {
  if (schema.$ref) return schema.$ref.split('/').pop()!;
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((member) => typeText(doc, member)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const text = types
    .map((type) => (type === 'array' ? `${typeText(doc, schema.items ?? {})}[]` : type))
    .join(' | ');
  const limits = [
    schema.format,
    schema.minLength !== undefined || schema.maxLength !== undefined ? `${schema.minLength ?? 0}–${schema.maxLength ?? '…'} characters` : '',
    schema.minimum !== undefined || schema.maximum !== undefined ? `${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}` : '',
    schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : '',
  ].filter(Boolean);
  return `${text || 'any'}${limits.length ? ` (${limits.join(', ')})` : ''}`;
}
