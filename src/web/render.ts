import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './context.js';
import { htmlResponse } from './compression.js';
import { isFragmentRequest } from './htmx.js';

type Renderable = string | Promise<string>;

/**
 * Answers with the whole page, or with just the fragment when htmx asked for one. Both
 * come from the same components, and `Vary: HX-Request` keeps caches from mixing them up.
 */
export async function renderPage(
  c: Context<AppEnv>,
  views: { page: () => Renderable; fragment?: () => Renderable },
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  c.header('Vary', 'HX-Request', { append: true });
  const html = views.fragment && isFragmentRequest(c) ? await views.fragment() : await views.page();
  return htmlResponse(c, html, status);
}

/** A 303 for browsers; htmx gets HX-Redirect so it navigates instead of swapping a redirect into a fragment. */
export function redirectTo(c: Context<AppEnv>, location: string): Response {
  if (isFragmentRequest(c)) {
    c.header('HX-Redirect', location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}
