import type { CategoryNode } from '../../src/catalog/categories.js';
import { centsToMajor, DEFAULT_PER_PAGE, listingSearchParams, sortOptions, type ListingQuery, type ListingQueryProblem, type SortOption } from '../../src/catalog/listing-query.js';
import type { Facets, PriceBand } from '../../src/catalog/facets.js';
import type { ProductPageResult } from '../../src/catalog/products.js';
import { formatMoney } from '../../src/lib/money.js';
import { breadcrumbData } from '../../src/catalog/structured-data.js';
import { Breadcrumbs, type Crumb } from '../components/breadcrumbs.js';
import { FilterIcon } from '../components/icons.js';
import { Pagination } from '../components/pagination.js';
import { ProductGrid } from '../components/product-card.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

export const PRODUCT_RESULTS_ID = 'product-results';
export const LISTING_FORM_ID = 'listing-filters';

const sortLabels: Record<SortOption, string> = {
  relevance: 'Best match',
  newest: 'Newest',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
  name: 'Name: A to Z',
};

export interface ListingProps {
  layout: LayoutProps;
  /** Where the listing lives: /products, or a category's page. */
  basePath: string;
  heading: string;
  intro?: string;
  crumbs: Crumb[];
  query: ListingQuery;
  problems: ListingQueryProblem[];
  result: ProductPageResult;
  facets: Facets;
  /** Offered when a search finds nothing. */
  nearbyCategories?: { slug: string; name: string }[];
  /** Categories to offer in the filter: all on /products, the subcategories on a category page. */
  categoryChoices: CategoryNode[];
  /** On /products the category is a filter; on a category page it is the page itself. */
  categoryIsFilter: boolean;
}

export function listingHref(props: Pick<ListingProps, 'basePath' | 'query' | 'categoryIsFilter'>, overrides: Partial<ListingQuery> = {}): string {
  const params = listingSearchParams(props.query, overrides, { withCategory: props.categoryIsFilter }).toString();
  return params ? `${props.basePath}?${params}` : props.basePath;
}

/**
 * One URL for every spelling of the same listing: filters in a fixed order, brands sorted,
 * and the sort order and page size left out (they reorder, not change, what is listed).
 */
export function canonicalHref(props: Pick<ListingProps, 'basePath' | 'query' | 'categoryIsFilter' | 'result'>): string {
  const { query } = props;
  return listingHref(props, {
    brands: [...query.brands].sort(),
    sort: query.q ? 'relevance' : 'newest',
    perPage: DEFAULT_PER_PAGE,
    page: props.result.page,
  });
}

export function ListingPage(props: ListingProps): JSX.Element {
  const { layout, query } = props;
  const title = query.q ? `Results for “${query.q}”` : props.heading;
  const pageSuffix = props.result.page > 1 ? ` – page ${props.result.page}` : '';
  return (
    <ShopLayout
      layout={layout}
      title={title + pageSuffix}
      meta={{
        description: props.intro ?? `${props.heading} at ${layout.storeName}: ${props.result.total} products.`,
        canonicalUrl: `${layout.appUrl}${canonicalHref(props)}`,
        // Search results are for shoppers, not for search engines' indexes.
        ...(query.q ? { robots: 'noindex, follow' } : {}),
        openGraph: { type: 'website' },
        structuredData: [breadcrumbData(layout.appUrl, props.crumbs)],
      }}
    >
      <Breadcrumbs crumbs={props.crumbs} />
      <div class="mb-6">
        <h1 class="page-title" safe>
          {title}
        </h1>
        {props.intro ? (
          <p class="mt-1 max-w-2xl text-slate-600" safe>
            {props.intro}
          </p>
        ) : (
          ''
        )}
      </div>
      {!props.categoryIsFilter && props.categoryChoices.length ? <SubcategoryLinks categories={props.categoryChoices} /> : ''}
      <ListingForm {...props} />
    </ShopLayout>
  );
}

/**
 * Filters, sort and results in one form. A filter change swaps the whole form by morphing,
 * so facet counts follow the filters while the control in use keeps its focus and value.
 */
export function ListingForm(props: ListingProps): JSX.Element {
  const { query } = props;
  // hx-sync: the newest filters win; a queued request would swap into an element the one before it replaced.
  return (
    <form
      id={LISTING_FORM_ID}
      action={props.basePath}
      method="get"
      hx-get={props.basePath}
      hx-target={`#${LISTING_FORM_ID}`}
      hx-swap="outerMorph"
      hx-push-url="true"
      hx-trigger="change, submit"
      hx-sync="this:replace"
      class="grid gap-6 lg:grid-cols-[16rem_1fr]"
    >
      {query.q ? <input type="hidden" name="q" value={query.q} /> : ''}
      {query.perPage !== 24 ? <input type="hidden" name="per_page" value={String(query.perPage)} /> : ''}
      <Filters {...props} />
      <div class="min-w-0">
        <div class="mb-4 flex items-center justify-end gap-2">
          <label for="sort" class="text-sm text-slate-700">
            Sort by
          </label>
          <select id="sort" name="sort" class="input w-auto py-1.5">
            {sortOptions
              .filter((option) => option !== 'relevance' || query.q)
              .map((option) => (
                <option value={option} selected={query.sort === option} safe>
                  {sortLabels[option]}
                </option>
              ))}
          </select>
        </div>
        <ProductResults {...props} />
      </div>
    </form>
  );
}

function SubcategoryLinks({ categories }: { categories: CategoryNode[] }): JSX.Element {
  return (
    <nav aria-label="Subcategories" class="mb-6">
      <ul class="chip-list">
        {categories.map((category) => (
          <li>
            <a href={`/categories/${category.slug}`} safe>
              {category.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const fieldLabels: Record<ListingQueryProblem['field'], string> = {
  q: 'Search',
  category: 'Category',
  brand: 'Brand',
  min_price: 'Minimum price',
  max_price: 'Maximum price',
};

/** Says which parts of the address could not be used; the listing shows what it could without them. */
function ProblemSummary({ problems }: { problems: ListingQueryProblem[] }): JSX.Element {
  if (!problems.length) return '';
  return (
    <div role="alert" class="mb-6 rounded-lg border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
      <p class="font-semibold">Some filters could not be used, so they were left out:</p>
      <ul class="mt-1 list-disc pl-5">
        {problems.map((problem) => (
          <li safe>{`${fieldLabels[problem.field]}: ${problem.message}`}</li>
        ))}
      </ul>
    </div>
  );
}

function Problem({ problems, field }: { problems: ListingQueryProblem[]; field: ListingQueryProblem['field'] }): JSX.Element {
  const problem = problems.find((candidate) => candidate.field === field);
  return problem ? (
    <p id={`${field}-error`} class="mt-1 text-sm text-rose-700" safe>
      {problem.message}
    </p>
  ) : (
    ''
  );
}

/** Brands with products under the other filters, and any the shopper picked even if none are left. */
function brandChoices(props: ListingProps): { brand: string; count: number }[] {
  const picked = props.query.brands.filter((brand) => !props.facets.brands.some((entry) => entry.brand === brand));
  return [...props.facets.brands, ...picked.map((brand) => ({ brand, count: 0 }))];
}

function bandLabel(band: PriceBand, currency: string): string {
  const money = (cents: number) => formatMoney(cents, currency).replace(/\.00$/, '');
  if (band.minCents === undefined) return `Under ${money((band.maxCents ?? 0) + 1)}`;
  if (band.maxCents === undefined) return `${money(band.minCents)} and over`;
  return `${money(band.minCents)} to ${money(band.maxCents + 1)}`;
}

/** Price ranges as links, each with the number of products it would show. */
function PriceBands(props: ListingProps): JSX.Element {
  const bands = props.facets.priceBands.filter((band) => band.count > 0);
  if (!bands.length) return '';
  return (
    <ul class="mt-3 space-y-1 text-sm" aria-label="Price ranges">
      {bands.map((band) => (
        <li>
          <a
            href={listingHref(props, { minPriceCents: band.minCents, maxPriceCents: band.maxCents, page: 1 })}
            class="text-brand-700 hover:underline"
            data-price-band
          >
            <span safe>{bandLabel(band, props.layout.currency)}</span> <span class="text-slate-500">({band.count})</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function Filters(props: ListingProps): JSX.Element {
  const { query, problems } = props;
  const priceValue = (field: 'min_price' | 'max_price', cents: number | undefined) =>
    problems.some((problem) => problem.field === field) ? '' : cents === undefined ? '' : centsToMajor(cents);
  return (
    <details x-data="filters" class="rounded-xl border border-slate-200 bg-white lg:self-start" open>
      <summary class="flex cursor-pointer items-center gap-2 px-4 py-3 font-semibold text-slate-900 lg:hidden">
        <FilterIcon /> Filters
      </summary>
      <div class="space-y-6 border-t border-slate-200 p-4 lg:border-t-0">
        {props.categoryIsFilter ? (
          <div>
            <label for="filter-category" class="label">
              Category
            </label>
            <select id="filter-category" name="category" class="input">
              <option value="">All categories</option>
              {props.categoryChoices.map((root) => (
                <>
                  <option value={root.slug} selected={query.category === root.slug} safe>
                    {`${root.name} (${props.facets.categoryCounts.get(root.id) ?? 0})`}
                  </option>
                  {root.children.map((child) => (
                    <option value={child.slug} selected={query.category === child.slug} safe>
                      {`\u00a0\u00a0${child.name} (${props.facets.categoryCounts.get(child.id) ?? 0})`}
                    </option>
                  ))}
                </>
              ))}
            </select>
          </div>
        ) : (
          ''
        )}
        <fieldset>
          <legend class="label">Price</legend>
          <div class="flex items-start gap-2">
            <div class="flex-1">
              <label for="min_price" class="sr-only">
                Minimum price
              </label>
              <input
                id="min_price"
                name="min_price"
                inputmode="decimal"
                placeholder="Min"
                value={priceValue('min_price', query.minPriceCents)}
                class="input"
                aria-invalid={problems.some((problem) => problem.field === 'min_price') ? 'true' : undefined}
                aria-describedby={problems.some((problem) => problem.field === 'min_price') ? 'min_price-error' : undefined}
              />
            </div>
            <span class="pt-2 text-slate-500" aria-hidden="true">
              –
            </span>
            <div class="flex-1">
              <label for="max_price" class="sr-only">
                Maximum price
              </label>
              <input
                id="max_price"
                name="max_price"
                inputmode="decimal"
                placeholder="Max"
                value={priceValue('max_price', query.maxPriceCents)}
                class="input"
                aria-invalid={problems.some((problem) => problem.field === 'max_price') ? 'true' : undefined}
                aria-describedby={problems.some((problem) => problem.field === 'max_price') ? 'max_price-error' : undefined}
              />
            </div>
          </div>
          <Problem problems={problems} field="min_price" />
          <Problem problems={problems} field="max_price" />
          <PriceBands {...props} />
        </fieldset>
        <div class="flex items-center gap-2">
          <input id="in_stock" name="in_stock" type="checkbox" value="1" checked={query.inStock} class="checkbox" />
          <label for="in_stock" class="text-sm text-slate-700">
            In stock only <span class="text-slate-500">({props.facets.inStock})</span>
          </label>
        </div>
        {brandChoices(props).length ? (
          <fieldset>
            <legend class="label">Brand</legend>
            {/* Dozens of rows: the list styles them (.facet-list), so each row carries no class. */}
            <ul class="facet-list">
              {brandChoices(props).map(({ brand, count }, index) => (
                <li>
                  <input id={`brand-${index}`} name="brand" type="checkbox" value={brand} checked={query.brands.includes(brand)} />
                  <label for={`brand-${index}`}>
                    <span safe>{brand}</span>
                    <span>{count}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : (
          ''
        )}
        <div class="flex gap-2">
          <button type="submit" class="btn-primary flex-1">
            Apply filters
          </button>
          <a href={props.basePath} class="btn-secondary">
            Clear
          </a>
        </div>
      </div>
    </details>
  );
}

/** The results: count, grid and pagination. htmx swaps this whole element on every filter change. */
export function ProductResults(props: ListingProps): JSX.Element {
  const { result, layout } = props;
  const first = (result.page - 1) * result.perPage + 1;
  const last = first + result.items.length - 1;
  return (
    <section id={PRODUCT_RESULTS_ID} aria-labelledby="product-results-heading" data-loading-dim>
      {/* Cards title themselves with h3; this keeps the outline h1 → h2 → h3. */}
      <h2 id="product-results-heading" class="sr-only">
        Products
      </h2>
      <ProblemSummary problems={props.problems} />
      {result.correctedQuery ? (
        <p class="mb-4 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-corrected-query>
          No products matched <strong safe>“{props.query.q}”</strong>. Showing results for{' '}
          <strong safe>“{result.correctedQuery}”</strong> instead.
        </p>
      ) : (
        ''
      )}
      <p class="mb-4 text-sm text-slate-600" role="status">
        {result.total === 0 ? (
          <>
            No products match (<span data-result-count>0</span>).
          </>
        ) : (
          <>
            <span data-result-count>{result.total}</span> {result.total === 1 ? 'product' : 'products'}
            {result.pageCount > 1 ? (
              <span>
                {' '}
                · showing {first}–{last}
              </span>
            ) : (
              ''
            )}
          </>
        )}
      </p>
      {result.total === 0 ? (
        <div class="rounded-xl border border-dashed border-slate-300 p-10 text-center">
          <p class="font-semibold text-slate-900">Nothing here with these filters.</p>
          <p class="mt-1 text-sm text-slate-600">Try fewer filters, another spelling, or browse everything.</p>
          {props.nearbyCategories?.length ? (
            <nav aria-label="Categories you may mean" class="mt-4">
              <p class="text-sm text-slate-700">Perhaps one of these:</p>
              <ul class="mt-2 flex flex-wrap justify-center gap-2">
                {props.nearbyCategories.map((category) => (
                  <li>
                    <a href={`/categories/${category.slug}`} class="chip" data-nearby-category safe>
                      {category.name}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : (
            ''
          )}
          <a href="/products" class="btn-secondary mt-4">
            Browse all products
          </a>
        </div>
      ) : (
        <ProductGrid products={result.items} currency={layout.currency} eagerCount={4} />
      )}
      <Pagination page={result.page} pageCount={result.pageCount} target={PRODUCT_RESULTS_ID} hrefFor={(page) => listingHref(props, { page })} />
    </section>
  );
}
