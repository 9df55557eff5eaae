import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import { editDistance } from '../lib/edit-distance.js';

/** Words a shopper typed, as letters and digits only: safe inside to_tsquery and trigram matching. */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

export interface SearchTerms {
  /** True for products the search finds. */
  matches: Expression<SqlBool>;
  /** Higher is a better match. */
  rank: RawBuilder<number>;
}

/**
 * How a search finds and ranks products: the shopper's own syntax (websearch_to_tsquery:
 * quotes, "or", -word) over the weighted document, and every word as a prefix ("lapt" →
 * laptop, "red dres" → red dress). Trigram similarity of the text to name, brand and
 * categories breaks ties. Typos are handled before this, by correctSpelling. Undefined when
 * nothing searchable was typed, so "%" or "!!!" find nothing rather than everything.
 */
export function searchTerms(text: string): SearchTerms | undefined {
  const words = searchWords(text);
  if (words.length === 0) return undefined;
  const plain = words.join(' ');
  const web = sql`websearch_to_tsquery('english', ${text})`;
  const prefix = sql`to_tsquery('english', ${words.map((word) => `${word}:*`).join(' & ')})`;
  const similarity = sql<number>`word_similarity(${plain}, products.search_text)`;
  return {
    matches: sql<SqlBool>`(products.search_document @@ ${web} OR products.search_document @@ ${prefix})`,
    rank: sql<number>`(2 * ts_rank(products.search_document, ${web}) + ts_rank(products.search_document, ${prefix}) + 0.5 * ${similarity})`,
  };
}

/** Edits a word of this length may need to count as a typo of a catalog word. */
function allowedEdits(word: string): number {
  return word.length >= 7 ? 2 : word.length >= 4 ? 1 : 0;
}

/**
 * The search with each word the catalog does not know replaced by the closest word it does
 * ("iphnoe" → "iphone", "labtop" → "laptop"), or undefined when nothing needed correcting.
 * Ties go to the word more products use, then the alphabet.
 */
export function correctSpelling(text: string, vocabulary: { word: string; uses: number }[]): string | undefined {
  const known = new Set(vocabulary.map((entry) => entry.word));
  let changed = false;
  const corrected = searchWords(text).map((word) => {
    const limit = allowedEdits(word);
    if (known.has(word) || limit === 0) return word;
    let best: { word: string; distance: number; uses: number } | undefined;
    for (const entry of vocabulary) {
      if (entry.word.startsWith(word)) return word; // a prefix of a known word already matches
      const distance = editDistance(word, entry.word, limit);
      if (distance > limit) continue;
      if (!best || distance < best.distance || (distance === best.distance && entry.uses > best.uses)) best = { ...entry, distance };
    }
    if (!best) return word;
    changed = true;
    return best.word;
  });
  return changed ? corrected.join(' ') : undefined;
}

/**
 * The words of active products' names, brands and categories, most used first: the
 * search_vocabulary table, which triggers on products keep current
 * (migrations/20261123200000_search_vocabulary.ts).
 */
export async function loadSearchVocabulary(db: DbOrTx): Promise<{ word: string; uses: number }[]> {
  return db.selectFrom('search_vocabulary').select(['word', 'uses']).orderBy('uses', 'desc').orderBy('word').execute();
}

/** True when correctSpelling could change something in this text: some word is long enough to have a typo. */
function mayNeedCorrecting(text: string): boolean {
  return searchWords(text).some((word) => allowedEdits(word) > 0);
}

/** The search with its typos corrected against the catalog's words, or undefined when none were. */
export async function correctSearch(db: DbOrTx, text: string): Promise<string | undefined> {
  return mayNeedCorrecting(text) ? correctSpelling(text, await loadSearchVocabulary(db)) : undefined;
}

export interface Suggestions {
  products: { slug: string; name: string; brand: string | null; price_min_cents: number }[];
  categories: { slug: string; name: string }[];
  /** The words searched, when the typed ones were corrected. */
  correctedQuery?: string;
}

/** A few best products and categories for what has been typed so far. */
export async function suggest(db: DbOrTx, text: string, limit = 6): Promise<Suggestions> {
  const found = await suggestFor(db, text, limit);
  if (found.products.length || found.categories.length) return found;
  const correctedQuery = await correctSearch(db, text);
  return correctedQuery ? { ...(await suggestFor(db, correctedQuery, limit)), correctedQuery } : found;
}

async function suggestFor(db: DbOrTx, text: string, limit: number): Promise<Suggestions> {
  const terms = searchTerms(text);
  if (!terms) return { products: [], categories: [] };
  const prefix = sql`to_tsquery('simple', ${searchWords(text).map((word) => `${word}:*`).join(' & ')})`;
  const [products, categories] = await Promise.all([
    db
      .selectFrom('products')
      .select(['slug', 'name', 'brand', sql<number>`price_min_cents`.as('price_min_cents')])
      .where('active', '=', true)
      .where('price_min_cents', 'is not', null)
      .where(terms.matches)
      .orderBy(terms.rank, 'desc')
      .orderBy('id')
      .limit(limit)
      .execute(),
    db
      .selectFrom('categories')
      .select(['slug', 'name'])
      .where(sql<SqlBool>`to_tsvector('simple', name) @@ ${prefix}`)
      .orderBy('name')
      .limit(3)
      .execute(),
  ]);
  return { products, categories };
}

/**
 * Categories whose names look most like what was searched ("lamps" → Lighting is beyond this,
 * "fragrence" → Fragrances is not), offered when a search finds nothing.
 */
export async function nearestCategories(db: DbOrTx, text: string, limit = 4): Promise<{ slug: string; name: string }[]> {
  const plain = searchWords(text).join(' ');
  if (!plain) return [];
  return db
    .selectFrom('categories')
    .select(['slug', 'name'])
    .where(sql<SqlBool>`word_similarity(${plain}, lower(name)) >= 0.3`)
    .orderBy(sql`word_similarity(${plain}, lower(name))`, 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}
