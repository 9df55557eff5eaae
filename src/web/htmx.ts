import type { Context } from 'hono';

/** Reads a request header by name (case-insensitive), from a Hono context or a Node request alike. */
export type HeaderReader = (name: string) => string | undefined;

/** True when htmx asked for a fragment to swap into the page, rather than the browser for a page. */
export function isFragmentRequest(c: Context): boolean {
  return asksForFragment((name) => c.req.header(name));
}

export function asksForFragment(header: HeaderReader): boolean {
  return header('HX-Request') === 'true' && header('HX-History-Restore-Request') !== 'true';
}
