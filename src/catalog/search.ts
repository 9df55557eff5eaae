import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import { editDistance } from '../lib/edit-distance.js';

/**
 * `table.active`, written as the column itself, never `active = $1`: the store runs its
 * statements as prepared statements, and a plan made for any parameter value (a generic
 * plan, which Postgres may switch to after five runs) cannot use the partial indexes
 * `WHERE active` for `active = $1`; at 50,000 products the filtered listing then read every
 * product (70 ms instead of 7).
 */
export function isActive(table: 'products' | 'product_variants'): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(`${table}.active`)}`;
}

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
 * laptop, "red dres" → red dress). The rank weighs a match of the words as typed twice a
 * prefix match; both read only the document the GIN index found. (It used to add the trigram
 * similarity of the text to name, brand and categories: at 50,000 products that one term cost
 * three times the rest of the query for a broad word such as "laptop", 8,000 matches × 8 µs,
 * and the relevance table scores 100 % without it.) Typos are handled before this, by
 * correctSpelling. Undefined when nothing searchable was typed, so "%" or "!!!" find nothing
 * rather than everything.
 */
export function searchTerms(text: string): SearchTerms | undefined {
  const words = searchWords(text);
  if (words.length === 0) return undefined;
  const web = sql`websearch_to_tsquery('english', ${text})`;
  const prefix = sql`to_tsquery('english', ${words.map((word) => `${word}:*`).join(' & ')})`;
  // Each query is built in a scalar subquery, so Postgres builds it once per statement. Written
  // as a plain call, the plan it makes for any parameter values (which a prepared statement
  // switches to after five runs) parsed and stemmed the words again for every match, in the
  // rank and in the recheck: at 50,000 products that doubled the cost of "laptop".
  const once = (query: RawBuilder<unknown>) => sql`(SELECT ${query})`;
  return {
    // Plain words (no quotes, "or" or -word): every product the words as typed find, their
    // prefixes find too, so the prefix query alone decides, in one GIN scan. With both OR-ed,
    // Postgres (when it could read the query) added two estimates of the same products up and,
    // at 50,000 products, chose to test every product's document instead (150 ms for "laptop").
    matches: isPlain(text)
      ? sql<SqlBool>`(products.search_document @@ ${once(prefix)})`
      : sql<SqlBool>`(products.search_document @@ ${once(sql`${web} || ${prefix}`)})`,
    rank: sql<number>`(2 * ts_rank(products.search_document, ${once(web)}) + ts_rank(products.search_document, ${once(prefix)}))`,
  };
}

/**
 * True when websearch_to_tsquery would read the text as plain words joined by AND: no
 * quotes, no "or", no -word, and no word with punctuation inside ("3.5", "wi-fi"), which the
 * parser keeps whole where searchWords splits it. Punctuation around words is ignored by both.
 */
function isPlain(text: string): boolean {
  if (text.includes('"')) return false;
  return text
    .split(/\s+/)
    .filter(Boolean)
    .every((chunk) => !chunk.startsWith('-') && chunk.toLowerCase() !== 'or' && /^[^\p{L}\p{N}]*[\p{L}\p{N}]*[^\p{L}\p{N}]*$/u.test(chunk));
}

/** Edits a word of this length may need to count as a typo of a catalog word. */
function allowedEdits(word: string): number {
  return word.length >= 7 ? 2 : word.length >= 4 ? 1 : 0;
}

/** The words of active products' names, brands and categories, with how many products use each. */
export type Vocabulary = { word: string; uses: number }[];

/** A vocabulary's lookups, made once per loaded list (the catalog cache hands out the same array). */
interface VocabularyIndex {
  known: Set<string>;
  /** Every word in code-unit order, to find whether any starts with a typed word by binary search. */
  sorted: string[];
}

const indexes = new WeakMap<Vocabulary, VocabularyIndex>();

function indexOf(vocabulary: Vocabulary): VocabularyIndex {
  let index = indexes.get(vocabulary);
  if (!index) {
    const words = vocabulary.map((entry) => entry.word);
    index = { known: new Set(words), sorted: words.sort() };
    indexes.set(vocabulary, index);
  }
  return index;
}

/** True when some known word starts with `prefix`: the first word not below it in sorted order does, if any. */
function isPrefixOfKnown(sorted: string[], prefix: string): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < prefix) low = middle + 1;
    else high = middle;
  }
  return sorted[low]?.startsWith(prefix) ?? false;
}

/**
 * The search with each word the catalog does not know replaced by the closest word it does
 * ("iphnoe" → "iphone", "labtop" → "laptop"), or undefined when nothing needed correcting. A
 * word that starts a known word is left as typed (its prefix already matches). Ties go to
 * the word more products use, then the alphabet (the vocabulary's order).
 */
export function correctSpelling(text: string, vocabulary: Vocabulary): string | undefined {
  const { known, sorted } = indexOf(vocabulary);
  let changed = false;
  const corrected = searchWords(text).map((word) => {
    const limit = allowedEdits(word);
    if (known.has(word) || limit === 0 || isPrefixOfKnown(sorted, word)) return word;
    let best: { word: string; distance: number; uses: number } | undefined;
    for (const entry of vocabulary) {
      if (Math.abs(entry.word.length - word.length) > limit) continue; // more edits than allowed
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
export async function loadSearchVocabulary(db: DbOrTx): Promise<Vocabulary> {
  return db.selectFrom('search_vocabulary').select(['word', 'uses']).orderBy('uses', 'desc').orderBy('word').execute();
}

/** Where a correction reads the vocabulary: the table, or the catalog cache's copy of it (the store's pages). */
export type VocabularySource = () => Promise<Vocabulary>;

/** True when correctSpelling could change something in this text: some word is long enough to have a typo. */
function mayNeedCorrecting(text: string): boolean {
  return searchWords(text).some((word) => allowedEdits(word) > 0);
}

/** The search with its typos corrected against the catalog's words, or undefined when none were. */
export async function correctSearch(db: DbOrTx, text: string, vocabulary: VocabularySource = () => loadSearchVocabulary(db)): Promise<string | undefined> {
  return mayNeedCorrecting(text) ? correctSpelling(text, await vocabulary()) : undefined;
}

export interface Suggestions {
  products: { slug: string; name: string; brand: string | null; price_min_cents: number }[];
  categories: { slug: string; name: string }[];
  /** The words searched, when the typed ones were corrected. */
  correctedQuery?: string;
}

/** A few best products and categories for what has been typed so far. */
export async function suggest(db: DbOrTx, text: string, options: { limit?: number; vocabulary?: VocabularySource } = {}): Promise<Suggestions> {
  const limit = options.limit ?? 6;
  const found = await suggestFor(db, text, limit);
  if (found.products.length || found.categories.length) return found;
  const correctedQuery = await correctSearch(db, text, options.vocabulary);
  return correctedQuery ? { ...(await suggestFor(db, correctedQuery, limit)), correctedQuery } : found;
}

/**
 * At most this many matching products are ranked for a suggestion. What is typed so far is
 * often one or two letters, which match most of the catalog ("s" is a prefix of thousands
 * of words); ranking all of them costs milliseconds per keystroke. Past this many, the
 * suggestions are the best of the first ones the index gives, which for so broad a prefix
 * is as good a guess as any; a search page (Enter) ranks every match.
 */
export const SUGGEST_CANDIDATES = 500;

/**
 * Products and categories in one statement: the categories (a row at most, as JSON) joined to
 * the best products, so a keystroke costs one round trip, and the categories come even when
 * no product matches.
 */
async function suggestFor(db: DbOrTx, text: string, limit: number): Promise<Suggestions> {
  const terms = searchTerms(text);
  if (!terms) return { products: [], categories: [] };
  const prefix = sql`(SELECT to_tsquery('simple', ${searchWords(text).map((word) => `${word}:*`).join(' & ')}))`;
  const candidates = db
    .selectFrom('products')
    .select(['products.id', 'products.slug', 'products.name', 'products.brand', sql<number>`products.price_min_cents`.as('price_min_cents'), terms.rank.as('rank')])
    .where(isActive('products'))
    .where('products.price_min_cents', 'is not', null)
    .where(terms.matches)
    .limit(SUGGEST_CANDIDATES);
  const best = db
    .selectFrom(candidates.as('candidate'))
    .select(['candidate.id', 'candidate.slug', 'candidate.name', 'candidate.brand', 'candidate.price_min_cents', 'candidate.rank'])
    .orderBy('candidate.rank', 'desc')
    .orderBy('candidate.id')
    .limit(limit);
  const categories = db
    .selectFrom('categories')
    .select(['slug', 'name'])
    .where(sql<SqlBool>`to_tsvector('simple', name) @@ ${prefix}`)
    .orderBy('name')
    .limit(3);
  const found = db
    .selectFrom(categories.as('category'))
    .select(sql<{ slug: string; name: string }[] | null>`json_agg(json_build_object('slug', category.slug, 'name', category.name) ORDER BY category.name)`.as('categories'));
  const rows = await db
    .selectFrom(found.as('found'))
    .leftJoin(best.as('best'), (join) => join.onTrue())
    .select(['found.categories', 'best.slug', 'best.name', 'best.brand', 'best.price_min_cents'])
    .orderBy('best.rank', 'desc')
    .orderBy('best.id')
    .execute();
  const products = rows.flatMap(({ slug, name, brand, price_min_cents }) => (slug === null || name === null || price_min_cents === null ? [] : [{ slug, name, brand, price_min_cents }]));
  return { products, categories: rows[0]?.categories ?? [] };
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
