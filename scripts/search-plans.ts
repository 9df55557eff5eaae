import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { computeFacets, countListing, loadFacetProducts } from '../src/catalog/facets.js';
import { parseListingQuery } from '../src/catalog/listing-query.js';
import { findProducts } from '../src/catalog/products.js';
import { findVariantBySku } from '../src/catalog/product-detail.js';
import { loadSearchVocabulary, nearestCategories, suggest, SUGGEST_CANDIDATES, type Vocabulary } from '../src/catalog/search.js';
import { descendantIds, loadCategoryTree } from '../src/catalog/categories.js';
import type { Database } from '../src/db/schema.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { scaleCatalog } from '../src/db/scale-catalog.js';
import { seedDemoCatalog } from '../src/db/seed.js';
import { projectRoot } from '../src/lib/paths.js';

/**
 * `npm run bench:plans`: the query plans (EXPLAIN ANALYZE, BUFFERS) of what a search page,
 * a suggestion and a filtered listing run, on real Postgres at BENCH_PRODUCTS products
 * (default 50,000), written to docs/search-plans.md. The queries are the store's own: each
 * scenario calls the catalog functions the routes call, records every statement they send,
 * and explains it with the same parameters. The store runs its queries as named prepared
 * statements, which Postgres may plan once for any parameters (a "generic" plan) after five
 * runs; the main queries are therefore explained both ways.
 *
 * Makes a database of its own (seeded, scaled) on DATABASE_URL's server and drops it, unless
 * PLANS_DATABASE_URL names an already scaled one to read.
 */

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const products = Number(process.env.BENCH_PRODUCTS || 50_000);

interface Captured {
  sql: string;
  parameters: readonly unknown[];
}

interface Scenario {
  title: string;
  /** What it stands for, in a sentence. */
  about: string;
  run: (db: Kysely<Database>) => Promise<unknown>;
  /** Explain the generic plan too (the prepared statement's plan after five runs). */
  generic?: boolean;
}

const listing = (params: Record<string, string | string[]>) => parseListingQuery(params).query;

/** The statements a scenario sends, as it sends them. */
let capture: Captured[] | undefined;

/**
 * The vocabulary typo correction reads: the store keeps a copy per process (the catalog
 * cache, 30 s), so the search scenarios take one loaded before they run, as a page does.
 */
let vocabulary: Vocabulary = [];
const cachedVocabulary = () => Promise.resolve(vocabulary);

/** A listing as its page loads it: the total from the facet columns, then the page's statement. */
async function browse(db: Kysely<Database>, params: Record<string, string | string[]>, categorySlug?: string) {
  const query = listing(params);
  const [facetProducts, tree] = await Promise.all([loadFacetProducts(db), loadCategoryTree(db)]);
  const category = categorySlug ? tree.bySlug.get(categorySlug) : undefined;
  const pageCategoryIds = category ? descendantIds(category) : undefined;
  const { total } = countListing(facetProducts, query, { tree, ...(pageCategoryIds ? { pageCategoryIds } : {}) });
  capture = []; // the facet columns and the tree are each process's copies: only the page's statement is the request's
  return findProducts(db, query, pageCategoryIds ? { pageCategoryIds } : {}, { total });
}

const search = (db: Kysely<Database>, params: Record<string, string | string[]>) => findProducts(db, listing(params), {}, { vocabulary: cachedVocabulary });

const scenarios: Scenario[] = [
  {
    title: 'Search page: `/products?q=laptop` (a broad word: thousands of matches)',
    about:
      'One statement: the matches, each read and ranked once into a materialized CTE; the first page (a top-N heapsort over the CTE); the count of all matches and the facet counts (one GROUPING SETS pass over the CTE, sent as one JSON value with the first card).',
    run: (db) => search(db, { q: 'laptop' }),
    generic: true,
  },
  {
    title: 'Search with filters: `/products?q=laptop&brand=Apple&in_stock=1`',
    about:
      "The same statement: the CTE holds every match of the search (the facets need them: each facet ignores its own filter) with a flag per filter; the page takes the matches passing all of them, and each facet's count the matches passing all but its own.",
    run: (db) => search(db, { q: 'laptop', brand: 'Apple', in_stock: '1' }),
    generic: true,
  },
  {
    title: 'Search page: `/products?q=red dress` (two words, one a prefix)',
    about: 'Every word must match, as typed (stemmed) or as the start of a word.',
    run: (db) => search(db, { q: 'red dress' }),
  },
  {
    title: 'Search page with a typo: `/products?q=iphnoe`',
    about:
      'Nothing matches as typed; the words are corrected against the vocabulary ("iphone"; the process\'s copy of it, see the last section) and the corrected search runs.',
    run: (db) => search(db, { q: 'iphnoe' }),
  },
  {
    title: 'Exact SKU check (a search of one word without spaces runs it first)',
    about: 'A search that is exactly a SKU goes straight to its product: a unique-index lookup.',
    run: (db) => findVariantBySku(db, 'laptop'),
  },
  {
    title: 'Suggestions: `/search/suggest?q=lapt`',
    about: `One statement: at most ${SUGGEST_CANDIDATES} matching products are ranked (SUGGEST_CANDIDATES in src/catalog/search.ts) for the best six, and the categories whose names match (as one JSON value) are joined to them.`,
    run: (db) => suggest(db, 'lapt', { vocabulary: cachedVocabulary }),
    generic: true,
  },
  {
    title: 'Suggestions with a typo: `/search/suggest?q=mascra`',
    about: "Nothing matches; the corrected words' suggestions.",
    run: (db) => suggest(db, 'mascra', { vocabulary: cachedVocabulary }),
  },
  {
    title: 'Nearest categories when nothing is found: `fragrence lamp`',
    about: 'Trigram similarity over the category names (tens of rows).',
    run: (db) => nearestCategories(db, 'fragrence lamp'),
  },
  {
    title: 'Filtered listing: `/products?brand=Apple&brand=Samsung&min_price=20&max_price=1500&in_stock=1&sort=price_asc`',
    about:
      'No search: brand, price range and stock filters, cheapest first. The facets and the total are counted in memory over the facet columns (a later section), so the statement fetches the page only.',
    run: (db) => browse(db, { brand: ['Apple', 'Samsung'], min_price: '20', max_price: '1500', in_stock: '1', sort: 'price_asc' }),
    generic: true,
  },
  {
    title: 'Listing page: `/products?page=3` (every product, newest first)',
    about: 'The page only: the newest-first index read for the first 72 entries, no count of the 49,000 others.',
    run: (db) => browse(db, { page: '3' }),
    generic: true,
  },
  {
    title: 'Category page: `/categories/electronics?page=2&sort=price_asc`',
    about: 'A category and its subcategories, cheapest first: the page only.',
    run: (db) => browse(db, { page: '2', sort: 'price_asc' }, 'electronics'),
    generic: true,
  },
  {
    title: 'Facet columns (loaded once per 30 s per process, then counted in memory)',
    about: "Every listable product's category, brand, price and stock; computeFacets counts a listing's facets over them in typed arrays (about a millisecond at 50,000).",
    run: async (db) => {
      const [facetProducts, tree] = await Promise.all([loadFacetProducts(db), loadCategoryTree(db)]);
      computeFacets(facetProducts, listing({}), { tree });
    },
  },
  {
    title: 'Search vocabulary (loaded once per 30 s per process)',
    about: 'The words typos are corrected to: about a thousand rows, kept by statement triggers on products.',
    run: (db) => loadSearchVocabulary(db),
  },
];

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_POSTGRES_URL;
  let url = process.env.PLANS_DATABASE_URL;
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const name = `hs_plans_${randomBytes(4).toString('hex')}`;
    await admin(serverUrl, `CREATE DATABASE ${name}`);
    drop = () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${name}`;
    url = parsed.href;
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event: LogEvent) => {
      if (capture && event.level === 'query') capture.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    if (drop) {
      console.log(`plans: seeding and scaling to ${products.toLocaleString('en-US')} products…`);
      await migrateToLatest(db);
      await seedDemoCatalog(db);
      await scaleCatalog(db, { products });
    }
    const client = await pool.connect();
    const { rows: versionRows } = await client.query<{ server_version: string }>('show server_version');
    const { rows: sizeRows } = await client.query<{ products: number; variants: number; words: number; size: string }>(
      `SELECT (SELECT count(*) FROM products)::integer AS products, (SELECT count(*) FROM product_variants)::integer AS variants,
              (SELECT count(*) FROM search_vocabulary)::integer AS words, pg_size_pretty(pg_total_relation_size('products')) AS size`,
    );
    vocabulary = await loadSearchVocabulary(db);
    const sections: string[] = [];
    for (const scenario of scenarios) {
      console.log(`plans: ${scenario.title}`);
      capture = [];
      await scenario.run(db);
      const queries = capture;
      capture = undefined;
      const parts = [`## ${scenario.title}`, '', scenario.about, ''];
      for (const [index, query] of queries.entries()) {
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.parameters as unknown[]);
        parts.push(`### Statement ${index + 1}`, '', '```sql', formatSql(query.sql), '```', '', `Parameters: \`${JSON.stringify(query.parameters)}\``, '', '```', ...rows.map((row) => row['QUERY PLAN']), '```', '');
        if (scenario.generic && /\bproducts\b/.test(query.sql) && query.parameters.length > 0) {
          parts.push('Generic plan (what a prepared statement may switch to after five runs):', '', '```', ...(await genericPlan(client, query)), '```', '');
        }
      }
      sections.push(parts.join('\n'));
    }
    client.release();
    const size = sizeRows[0];
    const markdown = [
      '# Search query plans',
      '',
      `Written by \`npm run bench:plans\` (scripts/search-plans.ts) on ${new Date().toISOString()}: Postgres ${versionRows[0]?.server_version ?? '?'}, ${size?.products.toLocaleString('en-US')} products, ${size?.variants.toLocaleString('en-US')} variants, ${size?.words.toLocaleString('en-US')} words in the search vocabulary, products table ${size?.size} with its indexes. The catalog is the demo catalog grown by the generator (\`npm run db:scale\`, the same seed every time). Run it again to refresh this file. Times are one cold-ish run each, on a shared 2-core machine: read the plan shapes and row counts, and BENCHMARKS.md for latency.`,
      '',
      '## What to look for',
      '',
      '- **Search** finds its matches with a Bitmap Index Scan on `products_search_document_idx` (GIN over the weighted tsvector a trigger keeps). For plain words the prefix query alone decides (`laptop:*`, `red:* & dress:*`): whatever the words as typed match, their prefixes match too (with the two OR-ed, Postgres added both estimates up and chose to test every product\'s document, 150 ms for "laptop"). The heap is visited only for the matches.',
      '- **One statement per search page**, whatever the filters. The matches go once into a `MATERIALIZED` CTE (`CTE matches`), each with its rank (two `ts_rank`s), its facet values (category, brand, price band by `width_bucket`, in stock) and a flag per shopper filter. Two readers share it: the page (`Sort … top-N heapsort` over the matches passing every filter, then the 24 cards, one picture each through `product_images_product_idx`) and the facet counts (`MixedAggregate` over `GROUPING SETS ((category_id), (brand), (band), ())`, each set counting the matches that pass every filter but its own; the empty set gives the total and the in-stock count). About 60 counts arrive as one JSON value with the first card. This replaced sending every match id to Node (`array_agg`, 5,000 ids for "laptop", parsed and counted there: 3 to 4 ms of Node CPU per page) and, with filters, a second statement to find the matches again.',
      '- **The search index has no pending list** (`fastupdate = off`, migrations/20261128100000_disable_search_index_pending_list.ts). With GIN\'s default, every product row written anew (a sale\'s stock summary does that) queued its words in a list every search then read in full until a vacuum merged it: after 5,000 such writes at this size, "mascara" took 2.3 ms instead of 0.55. Written into the tree, an update costs about 0.06 ms more and searches stay as shown here.',
      '- **The search words are parsed once per statement.** `websearch_to_tsquery` and `to_tsquery` sit in scalar subqueries (`InitPlan 1`, `2`, `3`, whose results the index condition and the ranks read as `$0`…). Called directly with a parameter, the generic plan (below) re-parsed and stemmed the words for every match, in both ranks and the recheck: for "laptop" that doubled the statement (33 ms against 17 for the generic plan, measured in psql). The price: Postgres plans for a default share of matching rows, 0.5 % (`rows=245`), which here is what it should do anyway, use the GIN index.',
      '- **Broad words cost in proportion to their matches.** "laptop" matches about a tenth of the generated catalog (the generator gives a few categories most of the products, as shops have); visiting those heap pages is most of its time, ranking the rest. It is the slowest search here. The rank used to add trigram similarity per match (8 µs each, three times the rest of the query); the relevance table scores 100 % without it.',
      '- **Suggestions** are one statement too: at most 500 matches ranked (a `LIMIT` under the ranking), so a one- or two-letter prefix costs no more than a specific word, and the categories matched on their names (tens of rows, a sequential scan is right) joined as one JSON value.',
      '- **Typos** are corrected against the vocabulary (about a thousand words, kept by statement triggers on products), which each process keeps for 30 s with the facet columns, so a misspelt search costs one more search statement, never the products\' words.',
      '- **Listings without a search fetch their page only.** Their total and facet counts are counted in memory over the facet columns (one sequential read of every listable product, once per 30 s per process, and on every catalog change), so the statement asks for 24 products in the listing\'s order: "all products, newest first" walks `products_active_newest_idx` and stops after the page (0.4 ms for page 3; counting every match with a window, as it used to, took 45 to 75 ms at this size), a category by price walks `products_active_price_idx` and skips other categories, and the filtered listing reads `products_active_brand_price_idx` (brand, price) `WHERE active AND brand IS NOT NULL` with both brands and the price range as index conditions, then a top-N heapsort. The card columns come with the page\'s rows, so nothing joins back to products.',
      '- **Generic plans of a listing page are not used.** Postgres cannot know `LIMIT $n OFFSET $m` in a plan made for any parameters and guesses a tenth of the rows (the generic plans below read the whole table: 50 ms and more); it compares that plan\'s cost with the custom plans\' and keeps planning each page for its own values (about 0.3 ms), as long as the generic plan looks dearer, which at a tenth of the catalog it always does.',
      '- **Generic plans.** The store runs each statement text as a named prepared statement, and Postgres may switch to a plan made for any parameter values after five runs, when its estimated cost looks no worse. What keeps those plans on the indexes: the search words in scalar subqueries (above); `active` written as the column itself, not `active = $1` (a generic plan cannot prove a partial index\'s `WHERE active` from a parameter, and read the whole table: 70 ms instead of 7 for the filtered listing); and the (brand, price) index, without which the generic plan took the price index for a default guess of 0.5 % of the rows and read two thirds of the catalog.',
      '',
      ...sections,
    ].join('\n');
    writeFileSync(join(projectRoot, 'docs', 'search-plans.md'), `${markdown.trimEnd()}\n`);
    console.log('plans: wrote docs/search-plans.md');
  } finally {
    await db.destroy();
    await drop?.();
  }
}

/** The plan Postgres makes for the statement without looking at the parameters. */
async function genericPlan(client: pg.PoolClient, query: Captured): Promise<string[]> {
  const name = `plans_${randomBytes(4).toString('hex')}`;
  await client.query(`PREPARE ${name} AS ${query.sql}`);
  try {
    await client.query(`SET plan_cache_mode = force_generic_plan`);
    const values = query.parameters.map((value) => (typeof value === 'number' ? String(value) : client.escapeLiteral(String(value))));
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE ${name}(${values.join(', ')})`);
    return rows.map((row) => row['QUERY PLAN']);
  } finally {
    await client.query(`RESET plan_cache_mode`);
    await client.query(`DEALLOCATE ${name}`);
  }
}

/** Kysely's one-line SQL with a line break before its main clauses, for reading. */
function formatSql(text: string): string {
  return text.replace(/ (from|inner join|left join|where|order by|group by|limit|offset) /g, '\n$1 ');
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error('bench:plans failed:', error);
  process.exitCode = 1;
});
