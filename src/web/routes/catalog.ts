import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { computeFacets, searchMatchIds } from '../../catalog/facets.js';
import { nearestCategories } from '../../catalog/search.js';
import { ancestry, descendantIds } from '../../catalog/categories.js';
import { parseListingQuery, type ListingQuery } from '../../catalog/listing-query.js';
import { findProductBySlug, findVariantBySku, listFeaturedProducts, listProducts, type ProductPageResult } from '../../catalog/products.js';
import { optionGroups, pickVariant } from '../../catalog/variants.js';
import { isSlug } from '../../lib/slugs.js';
import { HomePage } from '../../../views/catalog/home.js';
import { LISTING_FORM_ID, ListingForm, ListingPage, ProductResults, type ListingProps } from '../../../views/catalog/listing.js';
import { ProductDetailSection, ProductPage } from '../../../views/catalog/product.js';
import type { AppDeps, AppEnv } from '../context.js';
import { NotFoundError } from '../errors.js';
import { layoutFor } from '../layout.js';
import { redirectTo, renderPage } from '../render.js';

export function catalogRoutes(deps: AppDeps) {
  const { db, catalog } = deps;
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const [layout, featured, newest] = await Promise.all([
      layoutFor(deps, c),
      listFeaturedProducts(db, 8),
      listProducts(db, { brands: [], inStock: true, sort: 'newest', page: 1, perPage: 8 }),
    ]);
    return renderPage(c, { page: () => HomePage({ layout, featured, newest: newest.items }) });
  });

  app.get('/products', async (c) => {
    const { query, problems } = parseListingQuery(c.req.queries());
    // A search for an exact SKU goes straight to that product and variant.
    const sku = query.q ? await findVariantBySku(db, query.q) : undefined;
    if (sku) return redirectTo(c, `/products/${sku.slug}?variant=${sku.variantId}`);
    const [layout, tree] = await Promise.all([layoutFor(deps, c), catalog.categoryTree()]);
    const category = query.category ? tree.bySlug.get(query.category) : undefined;
    if (query.category && !category) problems.push({ field: 'category', message: 'There is no such category.' });
    const result = await listProducts(db, query, category ? descendantIds(category) : undefined);
    const facets = await facetsFor(query, result, { tree, ...(category ? { filterCategory: category } : {}) });
    const nearbyCategories = result.total === 0 && query.q ? await nearestCategories(db, query.q) : [];
    const props: ListingProps = {
      nearbyCategories,
      layout,
      basePath: '/products',
      heading: category ? category.name : 'All products',
      crumbs: [{ label: 'Home', href: '/' }, { label: 'All products' }],
      query,
      problems,
      result,
      facets,
      categoryChoices: tree.roots,
      categoryIsFilter: true,
    };
    return renderListing(c, props, problems.length ? 400 : 200);
  });

  app.get('/categories/:slug', async (c) => {
    const slug = c.req.param('slug');
    if (!isSlug(slug)) throw new NotFoundError();
    const tree = await catalog.categoryTree();
    const category = tree.bySlug.get(slug);
    if (!category) throw new NotFoundError();
    const { query, problems } = parseListingQuery(c.req.queries());
    const ids = descendantIds(category);
    const [layout, result] = await Promise.all([layoutFor(deps, c), listProducts(db, query, ids)]);
    const facets = await facetsFor(query, result, { tree, pageCategoryIds: ids });
    const props: ListingProps = {
      layout,
      basePath: `/categories/${category.slug}`,
      heading: category.name,
      ...(category.description ? { intro: category.description } : {}),
      crumbs: [{ label: 'Home', href: '/' }, ...ancestry(tree, category).map((node) => ({ label: node.name, href: `/categories/${node.slug}` }))],
      query: { ...query, category: category.slug },
      problems,
      result,
      facets,
      categoryChoices: category.children,
      categoryIsFilter: false,
    };
    return renderListing(c, props, problems.length ? 400 : 200);
  });

  app.get('/products/:slug', async (c) => {
    const slug = c.req.param('slug');
    if (!isSlug(slug)) throw new NotFoundError();
    const product = await findProductBySlug(db, slug);
    if (!product) throw new NotFoundError();
    const requested = Number(c.req.query('variant'));
    const variant = pickVariant(product.variants, Number.isSafeInteger(requested) ? requested : undefined);
    const [layout, tree] = await Promise.all([layoutFor(deps, c), catalog.categoryTree()]);
    const category = product.category_id === null ? undefined : tree.byId.get(product.category_id);
    const props = {
      layout,
      product,
      variant,
      options: optionGroups(product.option_names, product.variants, variant),
      categoryPath: category ? ancestry(tree, category) : [],
      canonicalUrl: `${deps.config.APP_URL}/products/${product.slug}`,
    };
    return renderPage(c, { page: () => ProductPage(props), fragment: () => ProductDetailSection(props) });
  });

  /** Facet counts for the search as it ran (corrected, when it was). */
  async function facetsFor(query: ListingQuery, result: ProductPageResult, scope: Omit<Parameters<typeof computeFacets>[2], 'matchIds'>) {
    const [products, matchIds] = await Promise.all([catalog.facetProducts(), searchMatchIds(db, result.correctedQuery ?? query.q)]);
    return computeFacets(products, query, { ...scope, ...(matchIds ? { matchIds } : {}) });
  }

  return app;
}

/** Pagination swaps only the results; a filter change swaps the whole form, so facet counts follow. */
function renderListing(c: Context<AppEnv>, props: ListingProps, status: ContentfulStatusCode) {
  const fragment = c.req.header('HX-Target')?.endsWith(`#${LISTING_FORM_ID}`) ? () => ListingForm(props) : () => ProductResults(props);
  return renderPage(c, { page: () => ListingPage(props), fragment }, status);
}
