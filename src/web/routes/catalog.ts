import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ancestry } from '../../catalog/categories.js';
import { loadListing } from '../../catalog/listing-data.js';
import { parseListingQuery } from '../../catalog/listing-query.js';
import { listFeaturedProducts, listTopProducts } from '../../catalog/products.js';
import { optionGroups, pickVariant } from '../../catalog/variants.js';
import { isSlug } from '../../lib/slugs.js';
import { HomePage } from '../../../views/catalog/home.js';
import { ListingForm, ListingPage, ProductResults, type ListingProps } from '../../../views/catalog/listing.js';
import { ProductDetailSection, ProductPage } from '../../../views/catalog/product.js';
import type { AppDeps, AppEnv } from '../context.js';
import { NotFoundError } from '../errors.js';
import { layoutFor } from '../layout.js';
import { targetsListingForm, type PageCache } from '../page-cache.js';
import { redirectTo, renderPage } from '../render.js';
import { sharedPageForGuests } from '../shared-pages.js';

/** The storefront's catalog pages; what an anonymous visitor sees comes from `pages` when it holds it. */
export function catalogRoutes(deps: AppDeps, pages: PageCache) {
  const { db, catalog } = deps;
  const app = new Hono<AppEnv>();
  const shared = sharedPageForGuests(deps, pages);

  app.get('/', shared, async (c) => {
    const [layout, { featured, newest }] = await Promise.all([
      layoutFor(deps, c),
      catalog.list({ kind: 'home' }, async () => {
        const [featured, newest] = await Promise.all([
          listFeaturedProducts(db, 8),
          listTopProducts(db, { brands: [], inStock: true, sort: 'newest', page: 1, perPage: 8 }),
        ]);
        return { featured, newest };
      }),
    ]);
    return renderPage(c, { page: () => HomePage({ layout, featured, newest }) });
  });

  app.get('/products', shared, async (c) => {
    const { query, problems } = parseListingQuery(c.req.queries());
    const [layout, tree] = await Promise.all([layoutFor(deps, c), catalog.categoryTree()]);
    const category = query.category ? tree.bySlug.get(query.category) : undefined;
    if (query.category && !category) problems.push({ field: 'category', message: 'There is no such category.' });
    const found = await loadListing(db, catalog, query, { tree, ...(category ? { filterCategory: category } : {}) });
    if ('productPath' in found) return redirectTo(c, found.productPath);
    const props: ListingProps = {
      ...found,
      layout,
      basePath: '/products',
      heading: category ? category.name : 'All products',
      crumbs: [{ label: 'Home', href: '/' }, { label: 'All products' }],
      query,
      problems,
      categoryChoices: tree.roots,
      categoryIsFilter: true,
    };
    return renderListing(c, props, problems.length ? 400 : 200);
  });

  app.get('/categories/:slug', shared, async (c) => {
    const slug = c.req.param('slug');
    if (!isSlug(slug)) throw new NotFoundError();
    const tree = await catalog.categoryTree();
    const category = tree.bySlug.get(slug);
    if (!category) throw new NotFoundError();
    const { query, problems } = parseListingQuery(c.req.queries());
    const [layout, found] = await Promise.all([layoutFor(deps, c), loadListing(db, catalog, query, { tree, pageCategory: category })]);
    if ('productPath' in found) return redirectTo(c, found.productPath);
    const props: ListingProps = {
      ...found,
      layout,
      basePath: `/categories/${category.slug}`,
      heading: category.name,
      ...(category.description ? { intro: category.description } : {}),
      crumbs: [{ label: 'Home', href: '/' }, ...ancestry(tree, category).map((node) => ({ label: node.name, href: `/categories/${node.slug}` }))],
      query: { ...query, category: category.slug },
      problems,
      categoryChoices: category.children,
      categoryIsFilter: false,
    };
    return renderListing(c, props, problems.length ? 400 : 200);
  });

  app.get('/products/:slug', shared, async (c) => {
    const slug = c.req.param('slug');
    if (!isSlug(slug)) throw new NotFoundError();
    const product = await catalog.product(slug);
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

  return app;
}

/** Pagination swaps only the results; a filter change swaps the whole form, so facet counts follow. */
function renderListing(c: Context<AppEnv>, props: ListingProps, status: ContentfulStatusCode) {
  const fragment = targetsListingForm(c) ? () => ListingForm(props) : () => ProductResults(props);
  return renderPage(c, { page: () => ListingPage(props), fragment }, status);
}
