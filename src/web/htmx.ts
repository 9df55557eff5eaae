import type { Context } from 'hono';

/** True when htmx asked for a fragment to swap into the page, rather than the browser for a page. */
export function isFragmentRequest(c: Context): boolean {
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-History-Restore-Request') !== 'true';
}
