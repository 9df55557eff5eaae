import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { loadListing } from '../../catalog/listing-data.js';
import { centsToMajor, parseListingQuery, type ListingQuery } from '../../catalog/listing-query.js';
import { cachedSuggestions } from '../../catalog/suggestions.js';
import type { AppDeps } from '../../web/context.js';
import type { ApiApp } from '../app.js';
import { catalogSecurity } from '../auth.js';
import { ApiProblem, notFound, problemResponses, type FieldError } from '../problem.js';
import { CategoryTree, ProductDetail, ProductList, ProductListQuery, SlugParam, SuggestQuery, Suggestions } from '../schemas/catalog.js';
import { categoryTreeJson, listingJson, productJson, suggestionsJson } from '../schemas/catalog-json.js';

const tags = ['Catalog'];
const publicRead = 'Public: no token needed. An API key (integrations) or an access token may be sent; a bad one is refused.';

const listProducts = createRoute({
  method: 'get',
  path: '/products',
  tags,
  summary: 'List and search products',
  description: `The shop's listing: the same filters, search (typos corrected), facets and sort. A filter that is not valid is refused with 400, never ignored. ${publicRead}`,
  operationId: 'listProducts',
  security: catalogSecurity,
  request: { query: ProductListQuery },
  responses: { 200: { description: 'One page of products', content: { 'application/json': { schema: ProductList } } }, ...problemResponses(400, 401, 429, 503) },
});

const getProduct = createRoute({
  method: 'get',
  path: '/products/{slug}',
  tags,
  summary: 'A product with its variants and pictures',
  description: `Sends a strong ETag and Cache-Control: public, max-age=60; If-None-Match with the ETag answers 304 with no body. ${publicRead}`,
  operationId: 'getProduct',
  security: catalogSecurity,
  request: { params: SlugParam, headers: z.object({ 'if-none-match': z.string().max(1000).optional() }) },
  responses: {
    200: { description: 'The product', content: { 'application/json': { schema: ProductDetail } } },
    304: { description: 'Not modified: the ETag still matches' },
    ...problemResponses(400, 401, 404, 429, 503),
  },
});

const listCategories = createRoute({
  method: 'get',
  path: '/categories',
  tags,
  summary: 'The category tree',
  description: publicRead,
  operationId: 'listCategories',
  security: catalogSecurity,
  responses: { 200: { description: 'Every category', content: { 'application/json': { schema: CategoryTree } } }, ...problemResponses(400, 401, 429, 503) },
});

const suggestRoute = createRoute({
  method: 'get',
  path: '/search/suggest',
  tags,
  summary: 'Suggestions as the shopper types',
  description: `The shop search box's suggestions: a few products and categories for the words typed so far. ${publicRead}`,
  operationId: 'suggestProducts',
  security: catalogSecurity,
  request: { query: SuggestQuery },
  responses: { 200: { description: 'Suggestions', content: { 'application/json': { schema: Suggestions } } }, ...problemResponses(400, 401, 429, 503) },
});

/** Catalog reads, through the same catalog cache and domain functions as the shop's pages. */
export function registerCatalogRoutes(api: ApiApp, deps: AppDeps): void {
  const { db, catalog, config } = deps;

  api.openapi(listProducts, async (c) => {
    const input = c.req.valid('query');
    const tree = await catalog.categoryTree();
    const { query, problems } = listingQueryFrom(input);
    const category = query.category ? tree.bySlug.get(query.category) : undefined;
    if (query.category && !category) problems.push({ field: 'query.category', message: 'There is no such category.' });
    if (problems.length) throw new ApiProblem(400, 'validation', 'The request is not valid', 'Some filters are invalid; see errors.', problems);
    const found = await loadListing(db, catalog, query, { tree, ...(category ? { filterCategory: category } : {}) });
    return c.json(listingJson(found, { tree, limit: query.perPage, config }), 200);
  });

  api.openapi(getProduct, async (c) => {
    const product = await catalog.product(c.req.valid('param').slug);
    if (!product) throw notFound('That product');
    const body = JSON.stringify(productJson(product, await catalog.categoryTree(), config));
    const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'public, max-age=60');
    if (matchesEtag(c.req.valid('header')['if-none-match'], etag)) return c.body(null, 304);
    // The very bytes the ETag hashes; c.json would serialise again. (The cast: zod-openapi types only c.json answers.)
    return c.body(body, 200, { 'Content-Type': 'application/json' }) as never;
  });

  api.openapi(listCategories, async (c) => c.json(categoryTreeJson(await catalog.categoryTree()), 200));

  api.openapi(suggestRoute, async (c) => {
    const suggestions = await cachedSuggestions(db, catalog, c.req.valid('query').q);
    return c.json(suggestionsJson(suggestions, config.CURRENCY), 200);
  });
}

/** The API's names for the listing's query fields, for field errors. */
const apiField = { q: 'q', category: 'category', brand: 'brand', min_price: 'minPrice', max_price: 'maxPrice' } as const;

/**
 * The API's query as the shop's listing query, read by the shop's own parser so both apply the
 * same rules (search length, price range); its complaints become field errors here, where the
 * shop shows them beside the form.
 */
function listingQueryFrom(input: z.infer<typeof ProductListQuery>): { query: ListingQuery; problems: FieldError[] } {
  const params: Record<string, string | string[]> = { page: String(input.page), per_page: String(input.limit) };
  if (input.q !== undefined) params.q = input.q;
  if (input.category !== undefined) params.category = input.category;
  if (input.brand !== undefined) params.brand = [input.brand].flat();
  if (input.minPrice !== undefined) params.min_price = centsToMajor(input.minPrice);
  if (input.maxPrice !== undefined) params.max_price = centsToMajor(input.maxPrice);
  if (input.inStock) params.in_stock = '1';
  if (input.sort) params.sort = input.sort;
  const { query, problems } = parseListingQuery(params);
  const brandProblems = [input.brand ?? []].flat().some((brand) => brand.trim().length === 0 || brand.length > 100)
    ? [{ field: 'query.brand', message: 'A brand is 1 to 100 characters.' }]
    : [];
  return { query, problems: [...problems.map((problem) => ({ field: `query.${apiField[problem.field]}`, message: problem.message })), ...brandProblems] };
}

/** If-None-Match by the weak comparison RFC 9110 asks for: a list of tags, or "*". */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
