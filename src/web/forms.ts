import type { Context } from 'hono';
import type { z } from 'zod';
import type { FieldErrors } from '../../views/components/field.js';

/** A form's text fields (the first value of each; files ignored), as the browser sent them. */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody({ all: true });
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') fields[name] = first;
  }
  return fields;
}

/** One message per field, the first problem zod found with it. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? 'form');
    errors[name] ??= issue.message;
  }
  return errors;
}

/** A relative path on this site to return to after signing in; anything else goes to the account page. */
export function safeNextPath(next: string | undefined, fallback = '/account'): string {
  if (!next || !/^\/(?![/\\])[\x21-\x7e]*$/.test(next)) return fallback;
  return next;
}
