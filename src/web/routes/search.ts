import { Hono } from 'hono';
import { suggest } from '../../catalog/search.js';
import { SuggestionList } from '../../../views/catalog/suggestions.js';
import type { AppDeps, AppEnv } from '../context.js';
import { htmlResponse } from '../compression.js';

const MAX_SUGGEST_LENGTH = 100;

/** Suggestions as the shopper types in the header's search box (a fragment of options). */
export function searchRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/search/suggest', async (c) => {
    const text = (c.req.query('q') ?? '').trim().slice(0, MAX_SUGGEST_LENGTH);
    // Cached by the words typed, so "Lapt", "lapt " and "LAPT" share one entry.
    const suggestions = text
      ? await deps.catalog.list({ kind: 'suggest', words: text.toLowerCase().split(/\s+/) }, () => suggest(deps.db, text))
      : { products: [], categories: [] };
    c.header('Cache-Control', 'public, max-age=60');
    return htmlResponse(c, await SuggestionList({ suggestions, currency: deps.config.CURRENCY }), 200);
  });
  return app;
}
