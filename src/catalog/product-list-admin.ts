import { sql, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { DbOrTx } from '../db/database.js';
import { findStoreLowStockThreshold } from './inventory.js';

/** The back office's product list: every product, active or not, searched, filtered, sorted and paged by its query string. */

export const ADMIN_PRODUCT_SORTS = ['updated', 'newest', 'name', 'price', 'stock'] as const;
export type AdminProductSort = (typeof ADMIN_PRODUCT_SORTS)[number];
export const ADMIN_PRODUCTS_PER_PAGE = 25;

/** Unknown or malformed values fall back to the default: a hand-edited address never fails. */
const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const adminProductQuery = z.object({
  q: loose(z.string().trim().max(100).transform((text) => text || undefined)),
  category: loose(z.string().regex(/^\d{1,9}$/).transform(Number)),
  status: loose(z.enum(['active', 'inactive'])),
  stock: loose(z.enum(['out', 'low'])),
  sort: z.enum(ADMIN_PRODUCT_SORTS).catch('updated').default('updated'),
  dir: loose(z.enum(['asc', 'desc'])),
  page: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().int().min(1)).catch(1).default(1),
});

export type AdminProductQuery = z.infer<typeof adminProductQuery>;

/** The direction a sort goes when the query does not say: names A→Z, everything else largest or newest first. */
export const defaultDirection = (sort: AdminProductSort): 'asc' | 'desc' => (sort === 'name' ? 'asc' : 'desc');

export interface AdminProductRow {
  id: number;
  slug: string;
  name: string;
  active: boolean;
  sku_count: number;
  price_min_cents: number | null;
  price_max_cents: number | null;
  stock_total: number;
  updated_at: Date;
}

export interface AdminProductPage {
  rows: AdminProductRow[];
  total: number;
  page: number;
  pageCount: number;
}

/** A search text as a LIKE pattern that matches it literally anywhere. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

const SORT_COLUMNS = { updated: 'updated_at', newest: 'created_at', name: 'name', price: 'price_min_cents', stock: 'stock_total' } as const;

/** One page of products; `categoryIds` is the chosen category and those below it. */
export async function listProductsForAdmin(db: DbOrTx, query: AdminProductQuery, categoryIds: number[] | undefined): Promise<AdminProductPage> {
  const threshold = query.stock === 'low' ? await findStoreLowStockThreshold(db) : 0;
  let base = db.selectFrom('products');
  if (query.q) {
    const pattern = containing(query.q);
    base = base.where((eb) =>
      eb.or([
        eb('products.name', 'ilike', pattern),
        eb('products.slug', 'ilike', pattern),
        eb.exists(eb.selectFrom('product_variants as sv').select('sv.id').whereRef('sv.product_id', '=', 'products.id').where('sv.sku', 'ilike', pattern)),
      ]),
    );
  }
  if (categoryIds) base = base.where('products.category_id', 'in', categoryIds.length ? categoryIds : [-1]);
  if (query.status) base = base.where('products.active', '=', query.status === 'active');
  if (query.stock === 'out') base = base.where('products.stock_total', '=', 0);
  if (query.stock === 'low') {
    // Some active variant is at or below its threshold (its own, or the store's) but not yet out.
    base = base.where(
      sql<SqlBool>`EXISTS (SELECT 1 FROM product_variants lv WHERE lv.product_id = products.id AND lv.active AND lv.stock > 0 AND lv.stock <= coalesce(lv.low_stock_threshold, ${threshold}))`,
    );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const pageCount = Math.max(1, Math.ceil(Number(total) / ADMIN_PRODUCTS_PER_PAGE));
  const page = Math.min(query.page, pageCount);
  const direction = query.dir ?? defaultDirection(query.sort);
  const rows = await base
    .select([
      'products.id',
      'products.slug',
      'products.name',
      'products.active',
      sql<number | null>`products.price_min_cents`.as('price_min_cents'),
      sql<number | null>`products.price_max_cents`.as('price_max_cents'),
      'products.stock_total',
      'products.updated_at',
    ])
    .select((eb) => eb.selectFrom('product_variants as cv').select(eb.fn.countAll<number>().as('n')).whereRef('cv.product_id', '=', 'products.id').as('sku_count'))
    .orderBy(sql.ref(`products.${SORT_COLUMNS[query.sort]}`), (ob) => (direction === 'asc' ? ob.asc() : ob.desc()).nullsLast())
    .orderBy('products.id', direction)
    .limit(ADMIN_PRODUCTS_PER_PAGE)
    .offset((page - 1) * ADMIN_PRODUCTS_PER_PAGE)
    .execute();
  return { rows: rows.map((row) => ({ ...row, sku_count: Number(row.sku_count ?? 0) })), total: Number(total), page, pageCount };
}
