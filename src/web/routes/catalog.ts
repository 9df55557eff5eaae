import { Hono } from 'hono';
import { ancestry, descendantIds } from '../../catalog/categories.js';
import { parseListingQuery } from '../../catalog/listing-query.js';
import { findProductBySlug, findVariantBySku, listFeaturedProducts, listProducts } from '../../catalog/products.js';
import { optionGroups, pickVariant } from '../../catalog/variants.js';
import { isSlug } from '../../lib/slugs.js';
import { HomePage } from '../../../views/catalog/home.js';
import { ListingPage, ProductResults, type ListingProps } from '../../../views/catalog/listing.js';
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
    const [result, brands] = await Promise.all([
      listProducts(db, query, category ? descendantIds(category) : undefined),
      catalog.brands(category ? descendantIds(category) : undefined),
    ]);
    const props: ListingProps = {
      layout,
      basePath: '/products',
      heading: category ? category.name : 'All products',
      crumbs: [{ label: 'Home', href: '/' }, { label: 'All products' }],
      query,
      problems,
      result,
      brands,
      categoryChoices: tree.roots,
      categoryIsFilter: true,
    };
    return renderPage(c, { page: () => ListingPage(props), fragment: () => ProductResults(props) }, problems.length ? 400 : 200);
  });

  app.get('/categories/:slug', async (c) => {
    const slug = c.req.param('slug');
    if (!isSlug(slug)) throw new NotFoundError();
    const tree = await catalog.categoryTree();
    const category = tree.bySlug.get(slug);
    if (!category) throw new NotFoundError();
    const { query, problems } = parseListingQuery(c.req.queries());
    const ids = descendantIds(category);
    const [layout, result, brands] = await Promise.all([layoutFor(deps, c), listProducts(db, query, ids), catalog.brands(ids)]);
    const props: ListingProps = {
      layout,
      basePath: `/categories/${category.slug}`,
      heading: category.name,
      ...(category.description ? { intro: category.description } : {}),
      crumbs: [{ label: 'Home', href: '/' }, ...ancestry(tree, category).map((node) => ({ label: node.name, href: `/categories/${node.slug}` }))],
      query: { ...query, category: category.slug },
      problems,
      result,
      brands,
      categoryChoices: category.children,
      categoryIsFilter: false,
    };
    return renderPage(c, { page: () => ListingPage(props), fragment: () => ProductResults(props) }, problems.length ? 400 : 200);
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

  return app;
}
