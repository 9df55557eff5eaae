import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListingQuery } from '../../src/catalog/listing-query.js';
import { listProducts } from '../../src/catalog/products.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { seedDemoCatalog } from '../../src/db/seed.js';
import { createTestDatabase } from '../support/db.js';

/**
 * Search relevance over the demo catalog (issue 3): each query a shopper might type, and
 * the products they would accept in the first five results. Each row only records a hit or
 * a miss; the last test reports recall@5 and fails below RECALL_TARGET.
 *
 * Slugs are the seed's: slugify(title) for DummyJSON, slugify(slug column) for Spree, made
 * unique with -2 in file order (DummyJSON first), so the second "Rolex Cellini Moonphase"
 * is rolex-cellini-moonphase-2. The first test checks every slug named here exists.
 */

const TOP_N = 5;
const RECALL_TARGET = 0.95;
const CATALOG_SIZE = 231;

type Kind = 'typo' | 'plural' | 'brand' | 'multi-word' | 'category' | 'sku' | 'prefix' | 'exact';

interface RelevanceRow {
  query: string;
  kind: Kind;
  /** Acceptable product slugs. */
  expected?: string[];
  /** Every product of this brand (exact `products.brand`) is acceptable too. */
  brand?: string;
  /** Every product in these categories (by category slug), or below them, is acceptable too. */
  categories?: string[];
}

const IPHONES = ['iphone-5s', 'iphone-6', 'iphone-13-pro', 'iphone-x'];
const SNEAKERS = ['sports-sneakers-off-white-and-red', 'sports-sneakers-off-white-red'];
const DRESSES_IN_TOPS = ['blue-frock', 'girl-summer-dress', 'gray-dress', 'short-frock', 'tartan-dress'];

const rows: RelevanceRow[] = [
  // Typos: one or two edits in a word of five letters or more.
  { kind: 'typo', query: 'iphnoe', expected: IPHONES },
  { kind: 'typo', query: 'mascra', expected: ['essence-mascara-lash-princess'] },
  { kind: 'typo', query: 'samsnug', brand: 'Samsung' },
  { kind: 'typo', query: 'labtop', categories: ['laptops'] },
  { kind: 'typo', query: 'rollex', brand: 'Rolex' },
  { kind: 'typo', query: 'sunglases', categories: ['sunglasses'] },
  { kind: 'typo', query: 'fragrence', categories: ['fragrances'] },
  { kind: 'typo', query: 'motorcyle', categories: ['motorcycles'] },
  { kind: 'typo', query: 'lipstik', expected: ['red-lipstick'] },
  { kind: 'typo', query: 'espreso', expected: ['automatic-espresso-machine', 'semi-automatic-espresso-machine'] },
  { kind: 'typo', query: 'vaccum', categories: ['floor-care'] },
  { kind: 'typo', query: 'sneekers', expected: SNEAKERS },

  // Prefixes: what the search box holds while the shopper is still typing.
  { kind: 'prefix', query: 'lapt', categories: ['laptops'] },
  { kind: 'prefix', query: 'mascar', expected: ['essence-mascara-lash-princess'] },
  { kind: 'prefix', query: 'fragr', categories: ['fragrances'] },
  { kind: 'prefix', query: 'ipho', expected: [...IPHONES, 'apple-iphone-charger', 'iphone-12-silicone-case-with-magsafe-plum'] },
  { kind: 'prefix', query: 'sneak', expected: SNEAKERS },
  { kind: 'prefix', query: 'kett', categories: ['kettles'] },
  { kind: 'prefix', query: 'humidif', categories: ['humidifiers'] },

  // Plurals and singulars the titles do not use.
  { kind: 'plural', query: 'laptops', categories: ['laptops'] },
  { kind: 'plural', query: 'watches', categories: ['mens-watches', 'womens-watches'], expected: ['apple-watch-series-4-gold'] },
  { kind: 'plural', query: 'dresses', categories: ['womens-dresses'], expected: DRESSES_IN_TOPS },
  { kind: 'plural', query: 'sunglass', categories: ['sunglasses'] },
  { kind: 'plural', query: 'toasters', categories: ['toasters'] },
  { kind: 'plural', query: 'earrings', categories: ['womens-jewellery'] },
  { kind: 'plural', query: 'shoe', categories: ['mens-shoes', 'womens-shoes'] },
  { kind: 'plural', query: 'blenders', categories: ['blenders'], expected: ['boxed-blender', 'hand-blender'] },

  // Brands: any product of the brand will do.
  { kind: 'brand', query: 'apple', brand: 'Apple', expected: ['apple'] },
  { kind: 'brand', query: 'rolex', brand: 'Rolex' },
  { kind: 'brand', query: 'gucci', brand: 'Gucci' },
  { kind: 'brand', query: 'samsung', brand: 'Samsung' },
  { kind: 'brand', query: 'nike', brand: 'Nike' },
  { kind: 'brand', query: 'oppo', brand: 'Oppo' },
  { kind: 'brand', query: 'calvin klein', brand: 'Calvin Klein' },
  // The brand is "Dolce & Gabbana"; shoppers leave the ampersand out.
  { kind: 'brand', query: 'dolce gabbana', brand: 'Dolce & Gabbana' },

  // Several words, all of which should count.
  // The demo catalog's only red item among the dresses is the Marni suit (in Women's dresses).
  { kind: 'multi-word', query: 'red dres', expected: ['marni-red-and-black-suit'] },
  { kind: 'multi-word', query: 'espresso machine', expected: ['automatic-espresso-machine', 'semi-automatic-espresso-machine'] },
  { kind: 'multi-word', query: 'air fryer', categories: ['air-fryers'] },
  { kind: 'multi-word', query: 'leather bag', expected: ['heshe-womens-leather-bag', 'white-faux-leather-backpack'] },
  { kind: 'multi-word', query: 'hair dryer', categories: ['hair-dryers'] },
  { kind: 'multi-word', query: 'robot vacuum', categories: ['robot-vacuums'] },
  { kind: 'multi-word', query: 'gold watch', expected: ['watch-gold-for-women', 'apple-watch-series-4-gold'] },
  { kind: 'multi-word', query: 'wireless earphones', expected: ['beats-flex-wireless-earphones', 'apple-airpods'] },
  { kind: 'multi-word', query: 'samsung galaxy tab', expected: ['samsung-galaxy-tab-s8-plus-grey', 'samsung-galaxy-tab-white'] },
  { kind: 'multi-word', query: 'macbook pro', expected: ['apple-macbook-pro-14-inch-space-grey'] },
  { kind: 'multi-word', query: 'dog food', expected: ['dog-food'] },

  // Category names (the seed's, e.g. DummyJSON "beauty" is "Makeup", "vehicle" is "Cars").
  { kind: 'category', query: 'sunglasses', categories: ['sunglasses'] },
  { kind: 'category', query: 'fragrance', categories: ['fragrances'] },
  { kind: 'category', query: 'motorcycle', categories: ['motorcycles'] },
  { kind: 'category', query: 'makeup', categories: ['makeup'] },
  { kind: 'category', query: 'furniture', categories: ['furniture'] },
  { kind: 'category', query: 'skin care', categories: ['skin-care'] },
  { kind: 'category', query: 'cars', categories: ['cars'] },

  // SKUs, as printed on a receipt or typed in lower case; a Spree variant SKU finds its product.
  { kind: 'sku', query: 'BEA-ESS-ESS-001', expected: ['essence-mascara-lash-princess'] },
  { kind: 'sku', query: 'SMA-APP-IPH-123', expected: ['iphone-13-pro'] },
  { kind: 'sku', query: 'mot-kaw-kaw-114', expected: ['kawasaki-z800'] },
  { kind: 'sku', query: 'AUTOMATIC-ESPRESSO-MACHINE-SILVER', expected: ['automatic-espresso-machine'] },
  { kind: 'sku', query: 'ROBOT-VACUUM-PRO-WHITE', expected: ['robot-vacuum-pro'] },

  // A product's exact name.
  { kind: 'exact', query: 'Kawasaki Z800', expected: ['kawasaki-z800'] },
  { kind: 'exact', query: 'Rolex Submariner Watch', expected: ['rolex-submariner-watch'] },
  { kind: 'exact', query: 'Annibale Colombo Sofa', expected: ['annibale-colombo-sofa'] },
  { kind: 'exact', query: 'Apple AirPods Max Silver', expected: ['apple-airpods-max-silver'] },
  { kind: 'exact', query: 'Nescafe Coffee', expected: ['nescafe-coffee'] },
];

interface RowResult {
  row: RelevanceRow;
  top: string[];
  /** 1-based position of the first acceptable product, or undefined for a miss. */
  rank: number | undefined;
  total: number;
}

let database: DatabaseHandle;
const slugs = new Set<string>();
const slugsByBrand = new Map<string, string[]>();
const slugsByCategory = new Map<string, string[]>();
const results = new Map<RelevanceRow, Promise<RowResult>>();

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoCatalog(database.db);
  const categories = await database.db.selectFrom('categories').select(['id', 'slug', 'parent_id']).execute();
  const products = await database.db.selectFrom('products').select(['slug', 'brand', 'category_id']).execute();
  const slugById = new Map(categories.map((category) => [category.id, category.slug]));
  const parentById = new Map(categories.map((category) => [category.id, category.parent_id]));
  for (const product of products) {
    slugs.add(product.slug);
    if (product.brand !== null) append(slugsByBrand, product.brand, product.slug);
    // A product belongs to its category and to every category above it.
    for (let id: number | null | undefined = product.category_id; id != null; id = parentById.get(id)) {
      append(slugsByCategory, slugById.get(id) ?? '', product.slug);
    }
  }
});

afterAll(async () => {
  await database?.close();
});

function append(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function acceptable(row: RelevanceRow): Set<string> {
  return new Set([
    ...(row.expected ?? []),
    ...(row.brand === undefined ? [] : (slugsByBrand.get(row.brand) ?? [])),
    ...(row.categories ?? []).flatMap((category) => slugsByCategory.get(category) ?? []),
  ]);
}

/** Runs a row's search once, however many tests ask (the recall test works even when run alone). */
function evaluate(row: RelevanceRow): Promise<RowResult> {
  let result = results.get(row);
  if (!result) {
    result = (async () => {
      const page = await listProducts(database.db, parseListingQuery({ q: row.query }).query);
      const top = page.items.slice(0, TOP_N).map((item) => item.slug);
      const wanted = acceptable(row);
      const index = top.findIndex((slug) => wanted.has(slug));
      return { row, top, rank: index < 0 ? undefined : index + 1, total: page.total };
    })();
    results.set(row, result);
  }
  return result;
}

describe('search relevance table', () => {
  it(`has at least 45 rows covering every kind`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(45);
    const kinds = new Set(rows.map((row) => row.kind));
    expect([...kinds].sort()).toEqual(['brand', 'category', 'exact', 'multi-word', 'plural', 'prefix', 'sku', 'typo']);
    expect(new Set(rows.map((row) => row.query.toLowerCase())).size).toBe(rows.length);
  });

  it('names only products, brands and categories that exist in the seeded catalog', () => {
    const problems: string[] = [];
    for (const row of rows) {
      for (const slug of row.expected ?? []) if (!slugs.has(slug)) problems.push(`${row.query}: no product ${slug}`);
      if (row.brand !== undefined && !slugsByBrand.has(row.brand)) problems.push(`${row.query}: no product of brand ${row.brand}`);
      for (const category of row.categories ?? []) if (!slugsByCategory.has(category)) problems.push(`${row.query}: no product in category ${category}`);
      if (acceptable(row).size === 0) problems.push(`${row.query}: nothing is acceptable`);
    }
    expect(problems).toEqual([]);
  });
});

describe('search finds the expected product in the top 5', () => {
  // A miss does not fail its row: it is annotated here and counted in the recall test below.
  it.for(rows)('$kind: "$query"', async (row, { annotate }) => {
    const { top, rank } = await evaluate(row);
    if (rank === undefined) await annotate(`miss; top ${TOP_N}: ${top.join(', ') || '(nothing)'}`, 'notice');
  });
});

describe('search recall', () => {
  it(`recall@${TOP_N} is at least ${RECALL_TARGET * 100} %`, async () => {
    const all = await Promise.all(rows.map(evaluate));
    const misses = all.filter((result) => result.rank === undefined);
    const recall = (all.length - misses.length) / all.length;
    const byKind = new Map<Kind, { hits: number; count: number }>();
    for (const { row, rank } of all) {
      const tally = byKind.get(row.kind) ?? { hits: 0, count: 0 };
      tally.count++;
      if (rank !== undefined) tally.hits++;
      byKind.set(row.kind, tally);
    }
    const lines = [
      `search recall@${TOP_N}: ${(recall * 100).toFixed(1)} % (${all.length - misses.length}/${all.length}; target ${RECALL_TARGET * 100} %)`,
      `by kind: ${[...byKind].map(([kind, { hits, count }]) => `${kind} ${hits}/${count}`).join(', ')}`,
      misses.length ? `misses (${misses.length}):` : 'no misses',
      ...misses.map(({ row, top, total }) => `  [${row.kind}] ${JSON.stringify(row.query)} → ${total} found; top ${TOP_N}: ${top.join(', ') || '(nothing)'}`),
    ];
    console.log(lines.join('\n'));
    expect(recall).toBeGreaterThanOrEqual(RECALL_TARGET);
  });
});

describe('search with hostile or odd input', () => {
  const inputs: [string, string][] = [
    ['percent sign', '%'],
    ['underscore', '_'],
    ['backslash', '\\'],
    ['SQL injection', "' OR 1=1--"],
    ['emoji', '👗'],
    ['right-to-left text', 'فستان'],
    ['a 10 KB string', 'dress %_\\ '.repeat(1024)],
  ];

  it.for(inputs)('%s returns without throwing', async ([, q]) => {
    const { query } = parseListingQuery({ q });
    expect(query.q?.length ?? 0).toBeLessThanOrEqual(200);
    const page = await listProducts(database.db, query);
    expect(page.items.length).toBeLessThanOrEqual(page.perPage);
    if (q === '%') expect(page.total).toBeLessThan(CATALOG_SIZE);
  });

  it('cuts a 10 KB query to 200 characters and says so', () => {
    const { query, problems } = parseListingQuery({ q: 'x'.repeat(10 * 1024) });
    expect(query.q).toHaveLength(200);
    expect(problems.map((problem) => problem.field)).toContain('q');
  });

  it('leaves the catalog as it was', async () => {
    const { n } = await database.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(n).toBe(CATALOG_SIZE);
  });
});
