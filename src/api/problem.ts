import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

/** One field's complaint, named by its path in the request ("items.0.quantity", "query.limit"). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem: every API error has this one shape. `type` is a stable URI per kind of
 * problem (documented at /api/v1/docs), so clients branch on it rather than on the wording.
 */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly kind: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
  }
}

export const problemType = (kind: string) => `https://hyperstore.dev/problems/${kind}`;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: problemType('validation') }),
    title: z.string().openapi({ example: 'The request is not valid' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'The request id, for support.' }),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;

export function problemResponse(c: Context, problem: ApiProblem): Response {
  const body: Problem = {
    type: problemType(problem.kind),
    title: problem.title,
    status: problem.status,
    ...(problem.detail === undefined ? {} : { detail: problem.detail }),
    ...(c.get('requestId') ? { instance: `urn:request:${c.get('requestId') as string}` } : {}),
    ...(problem.errors?.length ? { errors: problem.errors } : {}),
  };
  c.header('Cache-Control', 'no-store');
  return c.body(JSON.stringify(body), problem.status, { 'Content-Type': 'application/problem+json' });
}

/** A zod failure as field errors; `where` says which part of the request ("body", "query", "path"). */
export function fieldErrors(error: ZodError, where: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.code === 'unrecognized_keys' ? `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.` : issue.message,
  }));
}

export const notFound = (what: string) => new ApiProblem(404, 'not-found', 'Not found', `${what} does not exist, or is not yours.`);
export const conflict = (detail: string, kind = 'conflict') => new ApiProblem(409, kind, 'The request conflicts with the current state', detail);
export const unprocessable = (detail: string, errors?: FieldError[], kind = 'rule') => new ApiProblem(422, kind, 'The request breaks a rule of the store', detail, errors);

/** The error responses most routes can give, for the OpenAPI document. */
export function problemResponses<const S extends readonly number[]>(...statuses: S) {
  const descriptions: Record<number, string> = {
    400: 'The request is malformed or a field is invalid',
    401: 'No valid bearer token',
    403: 'The token may not do this',
    404: 'No such resource, or not yours',
    409: 'Conflicts with the current state',
    413: 'The body is too large',
    415: 'The body is not JSON',
    422: 'Breaks a rule of the store',
    429: 'Rate limit reached',
    503: 'A dependency is unavailable; try again shortly',
  };
  return Object.fromEntries(
    statuses.map((status) => [status, { description: descriptions[status] ?? 'Error', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  ) as { [K in S[number]]: { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } } };
}
