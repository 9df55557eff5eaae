import type { CategoryNode } from '../../src/catalog/categories.js';
import { DEFAULT_PER_PAGE, listingSearchParams, sortOptions, type ListingQuery, type ListingQueryProblem, type SortOption } from '../../src/catalog/listing-query.js';
import type { Facets } from '../../src/catalog/facets.js';
import type { ProductPageResult } from '../../src/catalog/products.js';
import { breadcrumbData } from '../../src/catalog/structured-data.js';
import { Breadcrumbs, type Crumb } from '../components/breadcrumbs.js';
import { Pagination } from '../components/pagination.js';
import { ProductGrid } from '../components/product-card.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';
import { Filters } from './listing-filters.js';

export const PRODUCT_RESULTS_ID = 'product-results';
export const LISTING_FORM_ID = 'listing-filters';
export const LISTING_HEADING_ID = 'listing-heading';

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

/** What the page is: the search, or the listing's own heading. */
function headingText(props: ListingProps): string {
  return props.query.q ? `Results for “${props.query.q}”` : props.heading;
}

/** The page's own title: its heading, and the page number past the first. */
function pageTitle(props: ListingProps): string {
  return props.result.page > 1 ? `${headingText(props)} – page ${props.result.page}` : headingText(props);
}

export function ListingPage(props: ListingProps): JSX.Element {
  const { layout, query } = props;
  return (
    <ShopLayout
      layout={layout}
      title={pageTitle(props)}
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
      <ListingHeading {...props} />
      {!props.categoryIsFilter && props.categoryChoices.length ? <SubcategoryLinks categories={props.categoryChoices} /> : ''}
      <FilterForm {...props} />
    </ShopLayout>
  );
}

/** The heading names the category, so on /products it changes with the category filter. */
function ListingHeading(props: ListingProps & { outOfBand?: boolean }): JSX.Element {
  return (
    <div id={LISTING_HEADING_ID} class="mb-6" hx-swap-oob={props.outOfBand ? 'true' : undefined}>
      <h1 class="page-title" safe>
        {headingText(props)}
      </h1>
      {props.intro ? (
        <p class="mt-1 max-w-2xl text-slate-600" safe>
          {props.intro}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/**
 * The document title for a fragment, as the page layout writes it. htmx takes a <title> from
 * anywhere in a response as the new document title, so a swapped view is titled as if loaded.
 */
function FragmentTitle(props: ListingProps): JSX.Element {
  const title = pageTitle(props);
  return <title safe>{title === props.layout.storeName ? title : `${title} · ${props.layout.storeName}`}</title>;
}

/**
 * What htmx swaps in when a filter changes: the form, and out of band the heading (the
 * category filter renames the page), with the page's title. The form comes first: htmx
 * takes the out-of-band heading and the title out and swaps what is left into the form.
 */
export function ListingForm(props: ListingProps): JSX.Element {
  return (
    <>
      <FilterForm {...props} />
      <ListingHeading {...props} outOfBand />
      <FragmentTitle {...props} />
    </>
  );
}

/** What htmx swaps in when the page changes: the results, with the page's title. */
export function ProductResults(props: ListingProps): JSX.Element {
  return (
    <>
      <Results {...props} />
      <FragmentTitle {...props} />
    </>
  );
}

/**
 * Filters, sort and results in one form. A filter change swaps the whole form by morphing,
 * so facet counts follow the filters while the control in use keeps its focus and value.
 * autocomplete="off": the browser must not put back, on Back or Forward, the controls as
 * they were left; the address says what they hold, and the page as served shows exactly that.
 */
function FilterForm(props: ListingProps): JSX.Element {
  const { query } = props;
  // hx-sync: the newest filters win; a queued request would swap into an element the one before it replaced.
  return (
    <form
      id={LISTING_FORM_ID}
      action={props.basePath}
      method="get"
      autocomplete="off"
      hx-get={props.basePath}
      hx-target={`#${LISTING_FORM_ID}`}
      hx-swap="outerMorph"
      hx-push-url="true"
      hx-trigger="change, submit"
      hx-sync="this:replace"
      class="grid gap-6 lg:grid-cols-[16rem_1fr]"
    >
      {query.q ? <input type="hidden" name="q" value={query.q} /> : ''}
      {query.perPage !== DEFAULT_PER_PAGE ? <input type="hidden" name="per_page" value={String(query.perPage)} /> : ''}
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
        <Results {...props} />
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

/** The results: count, grid and pagination. htmx swaps this whole element when the page changes. */
function Results(props: ListingProps): JSX.Element {
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
