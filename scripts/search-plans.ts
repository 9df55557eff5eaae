import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { computeFacets, loadFacetProducts } from '../src/catalog/facets.js';
import { parseListingQuery } from '../src/catalog/listing-query.js';
import { findVariantBySku, listProducts } from '../src/catalog/products.js';
import { nearestCategories, suggest } from '../src/catalog/search.js';
import { loadCategoryTree } from '../src/catalog/categories.js';
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

const scenarios: Scenario[] = [
  {
    title: 'Search with filters: `/products?q=laptop&brand=Apple&in_stock=1`',
    about: 'With other filters the page\'s matches are not the facets\' (each facet ignores its own filter), so the match set is a second statement. (Run first here: within a second of a plain search for the same words, the facets would take that search\'s match set.)',
    run: async (db) => {
      await listProducts(db, listing({ q: 'laptop', brand: 'Apple', in_stock: '1' }));
    },
  },
  {
    title: 'Search page: `/products?q=laptop` (a broad word: thousands of matches)',
    about:
      'One statement: the matches, ranked; the first page with the count of all matches; and the match set the facets count over (an array sent with one row), which searchMatchIds then takes instead of finding the matches again.',
    run: async (db) => {
      await listProducts(db, listing({ q: 'laptop' }));
    },
    generic: true,
  },
  {
    title: 'Search page: `/products?q=red dress` (two words, one a prefix)',
    about: 'Every word must match, as typed (stemmed) or as the start of a word.',
    run: (db) => listProducts(db, listing({ q: 'red dress' })),
  },
  {
    title: 'Search page with a typo: `/products?q=iphnoe`',
    about: 'Nothing matches as typed; the vocabulary table is read for the correction ("iphone") and the corrected search runs.',
    run: (db) => listProducts(db, listing({ q: 'iphnoe' })),
  },
  {
    title: 'Exact SKU check (every search runs it first)',
    about: 'A search that is exactly a SKU goes straight to its product: a unique-index lookup.',
    run: (db) => findVariantBySku(db, 'laptop'),
  },
  {
    title: 'Suggestions: `/search/suggest?q=lapt`',
    about: `At most ${500} matching products are ranked (see SUGGEST_CANDIDATES in src/catalog/search.ts), and categories by name.`,
    run: (db) => suggest(db, 'lapt'),
    generic: true,
  },
  {
    title: 'Suggestions with a typo: `/search/suggest?q=mascra`',
    about: 'Nothing matches; vocabulary, then the corrected suggestion.',
    run: (db) => suggest(db, 'mascra'),
  },
  {
    title: 'Nearest categories when nothing is found: `fragrence lamp`',
    about: 'Trigram similarity over the category names (tens of rows).',
    run: (db) => nearestCategories(db, 'fragrence lamp'),
  },
  {
    title: 'Filtered listing: `/products?brand=Apple&brand=Samsung&min_price=20&max_price=1500&in_stock=1&sort=price_asc`',
    about: 'No search: brand, price range and stock filters, cheapest first.',
    run: (db) => listProducts(db, listing({ brand: ['Apple', 'Samsung'], min_price: '20', max_price: '1500', in_stock: '1', sort: 'price_asc' })),
    generic: true,
  },
  {
    title: 'Facet columns (loaded once per 30 s per process, then counted in memory)',
    about: 'Every listable product\'s category, brand, price and stock; computeFacets counts them in typed arrays (about a millisecond at 50,000).',
    run: async (db) => {
      const [facetProducts, tree] = await Promise.all([loadFacetProducts(db), loadCategoryTree(db)]);
      computeFacets(facetProducts, listing({}), { tree });
    },
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
  let capture: Captured[] | undefined;
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
      '- **Search** finds its matches with a Bitmap Index Scan on `products_search_document_idx` (GIN over the weighted tsvector a trigger keeps). For plain words the prefix query alone decides (`laptop:*`, `red:* & dress:*`): whatever the words as typed match, their prefixes match too, and one query gives Postgres a row estimate it can trust (with the two OR-ed it added both estimates up and chose to test every product\'s document, 150 ms for "laptop"). The heap is visited only for the matches; the rank (two `ts_rank`s) is computed once per match in a subquery (`OFFSET 0` keeps it one), below the window that counts the matches, so that window and the top-N heapsort hold narrow rows and never spill. The outer query joins the 24 chosen products and one picture each through `product_images_product_idx`.',
      '- **Broad words cost in proportion to their matches.** "laptop" matches about a tenth of the generated catalog (the generator gives a few categories most of the products, as shops have); visiting those heap pages is most of its time, ranking the rest. It is the slowest search here. The rank used to add trigram similarity per match (8 µs each, three times the rest of the query); the relevance table scores 100 % without it.',
      '- **One match per search page.** A search without other filters sends its match set along with the page (`array_agg(id) over ()`, sent with one row), and searchMatchIds takes it instead of a second scan. With other filters the facets need the search\'s matches without them, so that is a second statement.',
      '- **Suggestions** rank at most 500 matches (a `LIMIT` under the ranking), so a one- or two-letter prefix costs no more than a specific word; categories are matched on their names (tens of rows, a sequential scan is right).',
      '- **Typos** read the vocabulary table (about a thousand words, kept by statement triggers on products), never the products; the correction then runs as a normal search.',
      '- **Filtered listing** without a search reads `products_active_brand_price_idx` (brand, price) `WHERE active AND brand IS NOT NULL`: both brands and the price range are index conditions; stock filters the rest; the sort is a top-N heapsort.',
      '- **Generic plans.** The store runs each statement text as a named prepared statement, and Postgres may switch to a plan made for any parameter values after five runs, when its estimated cost looks no worse. Two things keep those plans on the indexes: `active` is written as the column itself, not `active = $1` (a generic plan cannot prove a partial index\'s `WHERE active` from a parameter, and read the whole table: 70 ms instead of 7 for the filtered listing), and the (brand, price) index, without which the generic plan took the price index for a default guess of 0.5 % of the rows and read two thirds of the catalog.',
      '- **Facet columns** are one sequential read of every listable product (the only whole-table read), made once per 30 s per process by the catalog cache; the counting itself is in memory.',
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
