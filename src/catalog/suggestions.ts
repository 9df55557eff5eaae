import type { DbOrTx } from '../db/database.js';
import type { CatalogCache } from './catalog-cache.js';
import { suggest, type Suggestions } from './search.js';

/** What is typed beyond this is not looked at: a suggestion is for the first few words. */
export const MAX_SUGGEST_LENGTH = 100;

/**
 * Suggestions for what has been typed so far, through the catalog cache. Keyed by the words
 * typed, so "Lapt", "lapt " and "LAPT" share one entry; nothing typed suggests nothing.
 */
export async function cachedSuggestions(db: DbOrTx, catalog: CatalogCache, typed: string): Promise<Suggestions> {
  const text = typed.trim().slice(0, MAX_SUGGEST_LENGTH);
  if (!text) return { products: [], categories: [] };
  return catalog.list({ kind: 'suggest', words: text.toLowerCase().split(/\s+/) }, () => suggest(db, text, { vocabulary: () => catalog.searchVocabulary() }));
}
