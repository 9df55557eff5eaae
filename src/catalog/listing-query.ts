import { z } from 'zod';
import { parseMajorUnits } from '../lib/money.js';

export const sortOptions = ['relevance', 'price_asc', 'price_desc', 'newest', 'name'] as const;
export type SortOption = (typeof sortOptions)[number];

export const DEFAULT_PER_PAGE = 24;
export const MAX_PER_PAGE = 100;
const MAX_QUERY_LENGTH = 200;

export interface ListingQuery {
  q?: string;
  category?: string;
  brands: string[];
  minPriceCents?: number;
  maxPriceCents?: number;
  inStock: boolean;
  sort: SortOption;
  page: number;
  perPage: number;
}

export interface ListingQueryProblem {
  field: 'min_price' | 'max_price' | 'q' | 'category' | 'brand';
  message: string;
}

const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const text = z.preprocess(firstValue, z.string().trim().optional()).catch(undefined);
/** Navigation parameters are clamped into range: a bad page number still shows a page. */
const clampedInt = (fallback: number, min: number, max: number) =>
  z.preprocess(
    firstValue,
    z
      .string()
      .trim()
      .regex(/^-?\d{1,12}$/)
      .transform((value) => Math.min(max, Math.max(min, Number(value))))
      .catch(fallback),
  );

const schema = z.object({
  q: text,
  category: text,
  brand: z.preprocess((value) => (value === undefined ? [] : [value].flat()), z.array(z.string().trim())).catch([]),
  min_price: text,
  max_price: text,
  in_stock: text,
  sort: z.preprocess(firstValue, z.enum(sortOptions).optional()).catch(undefined),
  page: clampedInt(1, 1, 10_000),
  per_page: clampedInt(DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
});

/**
 * Reads the listing's query string. Never throws: out-of-range navigation is clamped, and
 * filters a shopper typed wrong are dropped and reported as problems to show beside the form.
 */
export function parseListingQuery(params: Record<string, string | string[]>): { query: ListingQuery; problems: ListingQueryProblem[] } {
  const raw = schema.parse(params);
  const problems: ListingQueryProblem[] = [];
  const price = (field: 'min_price' | 'max_price', value: string | undefined) => {
    if (!value) return undefined;
    const cents = parseMajorUnits(value);
    if (cents === undefined) problems.push({ field, message: 'Enter an amount such as 25 or 19.99.' });
    return cents;
  };
  let minPriceCents = price('min_price', raw.min_price);
  let maxPriceCents = price('max_price', raw.max_price);
  if (minPriceCents !== undefined && maxPriceCents !== undefined && minPriceCents > maxPriceCents) {
    problems.push({ field: 'max_price', message: 'The maximum price must not be below the minimum.' });
    minPriceCents = maxPriceCents = undefined;
  }
  let q = raw.q || undefined;
  if (q && q.length > MAX_QUERY_LENGTH) {
    problems.push({ field: 'q', message: `Search for at most ${MAX_QUERY_LENGTH} characters.` });
    q = q.slice(0, MAX_QUERY_LENGTH);
  }
  const brands = [...new Set(raw.brand.filter((brand) => brand.length > 0 && brand.length <= 100))].slice(0, 50);
  const query: ListingQuery = {
    brands,
    inStock: raw.in_stock === '1' || raw.in_stock === 'on' || raw.in_stock === 'true',
    sort: raw.sort ?? (q ? 'relevance' : 'newest'),
    page: raw.page,
    perPage: raw.per_page,
  };
  if (q) query.q = q;
  if (raw.category) query.category = raw.category;
  if (minPriceCents !== undefined) query.minPriceCents = minPriceCents;
  if (maxPriceCents !== undefined) query.maxPriceCents = maxPriceCents;
  return { query, problems };
}

/** The query string for a listing URL, leaving out defaults so URLs stay short and canonical. */
export function listingSearchParams(query: ListingQuery, overrides: Partial<ListingQuery> = {}, options: { withCategory?: boolean } = {}): URLSearchParams {
  const merged = { ...query, ...overrides };
  const params = new URLSearchParams();
  if (merged.q) params.set('q', merged.q);
  if (merged.category && options.withCategory !== false) params.set('category', merged.category);
  for (const brand of merged.brands) params.append('brand', brand);
  if (merged.minPriceCents !== undefined) params.set('min_price', centsToMajor(merged.minPriceCents));
  if (merged.maxPriceCents !== undefined) params.set('max_price', centsToMajor(merged.maxPriceCents));
  if (merged.inStock) params.set('in_stock', '1');
  if (merged.sort !== (merged.q ? 'relevance' : 'newest')) params.set('sort', merged.sort);
  if (merged.perPage !== DEFAULT_PER_PAGE) params.set('per_page', String(merged.perPage));
  if (merged.page > 1) params.set('page', String(merged.page));
  return params;
}

export function centsToMajor(cents: number): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
}
