import { Hono } from 'hono';
import { cachedSuggestions } from '../../catalog/suggestions.js';
import { SuggestionList } from '../../../views/catalog/suggestions.js';
import type { AppDeps, AppEnv } from '../context.js';
import { htmlResponse } from '../compression.js';

/** Suggestions as the shopper types in the header's search box (a fragment of options). */
export function searchRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/search/suggest', async (c) => {
    const suggestions = await cachedSuggestions(deps.db, deps.catalog, c.req.query('q') ?? '');
    c.header('Cache-Control', 'public, max-age=60');
    return htmlResponse(c, await SuggestionList({ suggestions, currency: deps.config.CURRENCY }), 200);
  });
  return app;
}
