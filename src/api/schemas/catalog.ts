import { z } from '@hono/zod-openapi';
import { sortOptions } from '../../catalog/listing-query.js';
import { isSlug } from '../../lib/slugs.js';

/**
 * The catalog's JSON shapes. Money is always integer minor units with its currency, never a
 * float or a formatted string; list answers all have the same page envelope.
 */
export const Money = z
  .object({
    amount: z.number().int().openapi({ description: 'Integer minor units (cents for USD).', example: 1999 }),
    currency: z.string().length(3).openapi({ description: 'ISO 4217 code.', example: 'USD' }),
  })
  .openapi('Money');
export type Money = z.infer<typeof Money>;
/** Money or null, as anyOf: zod-to-openapi writes Money.nullable() as an allOf that no null can pass. */
export const MaybeMoney = z.union([Money, z.null()]);

export const money = (amount: number, currency: string): Money => ({ amount, currency });

/** Query parameters of every paginated list. */
export const PageQuery = {
  page: z.coerce.number().int().min(1).max(10_000).default(1).openapi({ description: 'From 1.', example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'At most 100.', example: 20 }),
};

/** The envelope of every list: `{ items, page, limit, total, totalPages }`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return {
    items: z.array(item),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    totalPages: z.number().int(),
  };
}

const Image = z.object({ url: z.url().openapi({ description: 'Absolute URL.' }), alt: z.string() });

export const ProductCard = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    brand: z.string().nullable(),
    price: Money.openapi({ description: 'The cheapest variant’s price.' }),
    maxPrice: Money,
    compareAtPrice: MaybeMoney.openapi({ description: 'The cheapest variant’s price before a markdown.' }),
    inStock: z.boolean(),
    image: Image.nullable(),
    singleVariantId: z.number().int().nullable().openapi({ description: 'The only variant, when there is one: it can go straight into the cart.' }),
  })
  .openapi('ProductCard');

const yesNo = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const minorUnits = (what: string) =>
  z
    .string()
    .regex(/^\d{1,10}$/, `Give the ${what} in minor units (cents), such as 1999.`)
    .transform(Number)
    .openapi({ type: 'integer', description: `The ${what}, in minor units.`, example: '2500' });

/** The listing's filters: the HTML listing's, with prices in minor units and unknown parameters refused. */
export const ProductListQuery = z.strictObject({
  q: z.string().optional().openapi({ description: 'Search words, with the same typo tolerance as the shop’s search.' }),
  category: z.string().max(100).optional().openapi({ description: 'A category slug; its subcategories are included.' }),
  brand: z
    .union([z.string(), z.array(z.string()).max(50, 'Filter by at most 50 brands.')])
    .optional()
    .openapi({ description: 'One or more brands (repeat the parameter).' }),
  minPrice: minorUnits('lowest price').optional(),
  maxPrice: minorUnits('highest price').optional(),
  inStock: yesNo.optional().openapi({ type: 'string', enum: ['true', 'false', '1', '0'] }),
  sort: z.enum(sortOptions).optional().openapi({ description: 'Default: relevance with q, else newest.' }),
  ...PageQuery,
});

export const Facets = z
  .object({
    categories: z.array(z.object({ id: z.number().int(), slug: z.string(), name: z.string(), parentId: z.number().int().nullable(), count: z.number().int() })),
    brands: z.array(z.object({ brand: z.string(), count: z.number().int() })),
    priceBands: z.array(z.object({ min: MaybeMoney, max: MaybeMoney, count: z.number().int() })),
    inStock: z.number().int().openapi({ description: 'Matches in stock.' }),
  })
  .openapi('Facets', { description: 'How many products each filter value would show, keeping the other filters.' });

const CategoryLink = z.object({ slug: z.string(), name: z.string() });

export const ProductList = z
  .object({
    ...pageOf(ProductCard),
    facets: Facets.optional(),
    correctedQuery: z.string().optional().openapi({ description: 'Nothing matched the words as typed; these corrected ones were searched.' }),
    nearbyCategories: z.array(CategoryLink).optional().openapi({ description: 'Offered when a search finds nothing.' }),
    exactMatch: z
      .object({ slug: z.string(), variantId: z.number().int() })
      .optional()
      .openapi({ description: 'q was a SKU: this product and variant (the shop goes straight to it); items is then empty.' }),
  })
  .openapi('ProductList');

export const StockStatus = z.enum(['in', 'low', 'out']).openapi('StockStatus', { description: 'As the product page shows it: low means only a few are left.' });

export const Variant = z
  .object({
    id: z.number().int(),
    sku: z.string(),
    options: z.record(z.string(), z.string()),
    price: Money,
    compareAtPrice: MaybeMoney,
    inStock: z.boolean(),
    stockStatus: StockStatus,
    availableQuantity: z.number().int().nullable().openapi({ description: 'How many are left, told only when few are (as the product page does).' }),
    weightGrams: z.number().int().nullable(),
  })
  .openapi('Variant');

export const ProductDetail = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    brand: z.string().nullable(),
    url: z.url().openapi({ description: 'The product page in the shop.' }),
    category: z.object({ id: z.number().int(), slug: z.string(), name: z.string(), path: z.array(CategoryLink) }).nullable(),
    optionNames: z.array(z.string()),
    variants: z.array(Variant),
    images: z.array(Image.extend({ id: z.number().int(), variantId: z.number().int().nullable() })),
  })
  .openapi('ProductDetail');

export const Category = z
  .object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    position: z.number().int(),
    depth: z.number().int().openapi({ description: '0 for a top-level category.' }),
  })
  .openapi('Category');

export const CategoryTree = z
  .object({ items: z.array(Category).openapi({ description: 'Every category, depth first in display order: each follows its parent.' }) })
  .openapi('CategoryTree');

export const SuggestQuery = z.strictObject({ q: z.string().max(100, 'Type at most 100 characters.').default('') });

export const Suggestions = z
  .object({
    products: z.array(z.object({ slug: z.string(), name: z.string(), brand: z.string().nullable(), price: Money })),
    categories: z.array(CategoryLink),
    correctedQuery: z.string().optional(),
  })
  .openapi('Suggestions');

export const SlugParam = z.object({
  slug: z
    .string()
    .refine(isSlug, 'A product slug is lower-case letters, digits and dashes.')
    .openapi({ param: { name: 'slug', in: 'path' }, example: 'brass-compass' }),
});
