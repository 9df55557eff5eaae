import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { VariantOptions } from '../db/schema.js';

/** A cart line as the cart page shows it, with today's price and stock beside what was added. */
export interface CartLineView {
  id: number;
  variantId: number;
  productId: number;
  categoryId: number | null;
  slug: string;
  name: string;
  options: VariantOptions;
  sku: string;
  imageUrl: string | null;
  imageAlt: string | null;
  quantity: number;
  unitPriceCents: number;
  unitPriceAtAddCents: number;
  stock: number;
  /** Still sold (product and variant active). */
  available: boolean;
  weightGrams: number | null;
}

export interface CartView {
  id: number;
  couponCode: string | null;
  lines: CartLineView[];
  saved: CartLineView[];
}

/** How a line has changed since it was added: what the cart page flags. */
export function lineFlags(line: CartLineView) {
  return {
    unavailable: !line.available || line.stock <= 0,
    stockShort: line.available && line.stock > 0 && line.quantity > line.stock,
    priceChanged: line.unitPriceCents !== line.unitPriceAtAddCents,
  };
}

/** The cart with every line's product, variant, picture and live price and stock, in one statement (two for an empty cart). */
export async function loadCart(db: DbOrTx, cartId: number): Promise<CartView | undefined> {
  const rows = await db
    .selectFrom('cart_lines')
    .innerJoin('carts', 'carts.id', 'cart_lines.cart_id')
    .innerJoin('product_variants', 'product_variants.id', 'cart_lines.variant_id')
    .innerJoin('products', 'products.id', 'product_variants.product_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('product_images')
          .select(['product_images.url', 'product_images.alt'])
          .whereRef('product_images.product_id', '=', 'products.id')
          .orderBy(sql`product_images.variant_id = cart_lines.variant_id`, (order) => order.desc().nullsLast())
          .orderBy('product_images.position')
          .limit(1)
          .as('picture'),
      (join) => join.onTrue(),
    )
    .select([
      'cart_lines.id',
      'cart_lines.variant_id as variantId',
      'products.id as productId',
      'products.category_id as categoryId',
      'products.slug',
      'products.name',
      'product_variants.options',
      'product_variants.sku',
      'picture.url as imageUrl',
      'picture.alt as imageAlt',
      'cart_lines.quantity',
      'product_variants.price_cents as unitPriceCents',
      'cart_lines.unit_price_cents_at_add as unitPriceAtAddCents',
      'product_variants.stock',
      sql<boolean>`products.active AND product_variants.active`.as('available'),
      'product_variants.weight_grams as weightGrams',
      'cart_lines.saved_for_later',
      'carts.coupon_code',
    ])
    .where('cart_lines.cart_id', '=', cartId)
    .orderBy('cart_lines.added_at')
    .orderBy('cart_lines.id')
    .execute();
  // A cart with lines came with them; only an empty one (or none) costs a second statement.
  const cart = rows[0] ? { coupon_code: rows[0].coupon_code } : await db.selectFrom('carts').select('coupon_code').where('id', '=', cartId).executeTakeFirst();
  if (!cart) return undefined;
  const toView = ({ saved_for_later: _saved, coupon_code: _coupon, ...line }: (typeof rows)[number]): CartLineView => line;
  return {
    id: cartId,
    couponCode: cart.coupon_code,
    lines: rows.filter((row) => !row.saved_for_later).map(toView),
    saved: rows.filter((row) => row.saved_for_later).map(toView),
  };
}

/** Units in the cart (not saved for later), for the header badge. */
export async function countCartUnits(db: DbOrTx, cartId: number): Promise<number> {
  const row = await db
    .selectFrom('cart_lines')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('quantity'), sql<number>`0`).as('units'))
    .where('cart_id', '=', cartId)
    .where('saved_for_later', '=', false)
    .executeTakeFirstOrThrow();
  return Number(row.units);
}
