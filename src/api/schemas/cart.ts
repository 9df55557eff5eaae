import { z } from '@hono/zod-openapi';
import { cartUnits, type CartTotals } from '../../cart/cart-totals.js';
import { lineFlags, type CartLineView, type CartView } from '../../cart/cart-view.js';
import { MAX_LINE_QUANTITY } from '../../cart/carts.js';
import type { Config } from '../../config.js';
import { absoluteUrl } from './catalog-json.js';
import { MaybeMoney, money, Money } from './catalog.js';

/**
 * The cart's JSON shapes. Requests carry ids and quantities only: every price, discount and
 * total is the server's, from today's catalog and the store's rules (src/cart/pricing.ts).
 */
const id = z.number().int().positive().max(2_147_483_647);

export const AddItemInput = z
  .strictObject({
    variantId: id.openapi({ example: 42 }),
    quantity: z.number().int().min(1).default(1).openapi({ description: `1 to ${MAX_LINE_QUANTITY}; capped by the stock (the answer says so).`, example: 1 }),
  })
  .openapi('AddItemInput');

export const SetQuantityInput = z
  .strictObject({ quantity: z.number().int().min(0).openapi({ description: `0 removes the line; at most ${MAX_LINE_QUANTITY}, capped by the stock.`, example: 2 }) })
  .openapi('SetQuantityInput');

export const CouponInput = z.strictObject({ code: z.string().max(100).openapi({ example: 'WELCOME10' }) }).openapi('CouponInput');

export const LineIdParam = z.object({
  lineId: z.coerce.number().int().positive().max(2_147_483_647).openapi({ param: { name: 'lineId', in: 'path' }, example: 7 }),
});

export const CartLine = z
  .object({
    id: z.number().int(),
    variantId: z.number().int(),
    productId: z.number().int(),
    slug: z.string(),
    name: z.string(),
    sku: z.string(),
    options: z.record(z.string(), z.string()),
    image: z.object({ url: z.url(), alt: z.string() }).nullable(),
    quantity: z.number().int(),
    maxQuantity: z.number().int().openapi({ description: 'The most this line can hold now (stock, and the per-line cap).' }),
    unitPrice: Money.openapi({ description: 'Today’s price.' }),
    unitPriceAtAdd: Money,
    unavailable: z.boolean().openapi({ description: 'Withdrawn or sold out: not charged, and checkout refuses it until removed.' }),
    stockShort: z.boolean().openapi({ description: 'Fewer are left than the line holds.' }),
    priceChanged: z.boolean(),
    subtotal: MaybeMoney.openapi({ description: 'What the line charges, null when it is not charged (unavailable).' }),
    discount: MaybeMoney,
    tax: MaybeMoney,
    total: MaybeMoney,
  })
  .openapi('CartLine');

export const Cart = z
  .object({
    id: z.number().int().nullable().openapi({ description: 'Null until something is first put in the cart.' }),
    lines: z.array(CartLine),
    savedForLater: z.array(CartLine),
    units: z.number().int().openapi({ description: 'Units in the cart (the shop’s badge).' }),
    coupon: z.object({ code: z.string(), problem: z.string().optional().openapi({ description: 'Why it gives nothing now.' }) }).nullable(),
    totals: z.object({
      subtotal: Money,
      discount: Money,
      shipping: Money,
      freeShipping: z.boolean(),
      tax: Money.openapi({ description: 'Added on top, or the part contained in the prices when pricesIncludeTax.' }),
      total: Money,
    }),
    shipping: z.object({ code: z.string(), name: z.string() }).nullable().openapi({ description: 'The estimate’s method: the first offered for the store’s country.' }),
    shippingOptions: z.array(z.object({ code: z.string(), name: z.string() })),
    tax: z.object({ name: z.string(), rateBasisPoints: z.number().int(), pricesIncludeTax: z.boolean() }),
    estimateCountry: z.string().openapi({ description: 'Shipping and tax are estimated for this country until checkout.' }),
  })
  .openapi('Cart');

export const CartChange = z
  .object({
    lineId: z.number().int(),
    quantity: z.number().int().openapi({ description: 'What the line holds now (0: removed).' }),
    limitedTo: z.number().int().optional().openapi({ description: 'Set when fewer than asked were put in, because of stock.' }),
    message: z.string(),
    cart: Cart,
  })
  .openapi('CartChange');

type CartJson = z.infer<typeof Cart>;
type Settings = Pick<Config, 'APP_URL' | 'CURRENCY' | 'STORE_COUNTRY'>;

function lineJson(line: CartLineView, priced: CartTotals['pricing']['lines'][number] | undefined, config: Settings): z.infer<typeof CartLine> {
  const currency = config.CURRENCY;
  const flags = lineFlags(line);
  const maybe = (cents: number | undefined) => (priced && cents !== undefined ? money(cents, currency) : null);
  return {
    id: line.id,
    variantId: line.variantId,
    productId: line.productId,
    slug: line.slug,
    name: line.name,
    sku: line.sku,
    options: line.options,
    image: line.imageUrl ? { url: absoluteUrl(line.imageUrl, config), alt: line.imageAlt ?? line.name } : null,
    quantity: line.quantity,
    maxQuantity: Math.max(0, Math.min(line.stock, MAX_LINE_QUANTITY)),
    unitPrice: money(line.unitPriceCents, currency),
    unitPriceAtAdd: money(line.unitPriceAtAddCents, currency),
    ...flags,
    subtotal: maybe(priced?.subtotalCents),
    discount: maybe(priced?.discountCents),
    tax: maybe(priced?.taxCents),
    total: maybe(priced?.totalCents),
  };
}

/** The cart as the cart page shows it: lines with today's prices and flags, the coupon, and the estimate. */
export function cartJson(cart: CartView | undefined, totals: CartTotals | undefined, config: Settings): CartJson {
  const currency = config.CURRENCY;
  const pricing = totals?.pricing;
  const priced = new Map(pricing?.lines.map((line) => [line.id, line]));
  const zero = money(0, currency);
  return {
    id: cart?.id ?? null,
    lines: (cart?.lines ?? []).map((line) => lineJson(line, priced.get(line.id), config)),
    savedForLater: (cart?.saved ?? []).map((line) => lineJson(line, undefined, config)),
    units: cartUnits(cart),
    coupon: totals?.coupon ?? null,
    totals: pricing
      ? {
          subtotal: money(pricing.subtotalCents, currency),
          discount: money(pricing.discountCents, currency),
          shipping: money(pricing.shippingCents, currency),
          freeShipping: pricing.freeShipping,
          tax: money(pricing.taxCents, currency),
          total: money(pricing.totalCents, currency),
        }
      : { subtotal: zero, discount: zero, shipping: zero, freeShipping: false, tax: zero, total: zero },
    shipping: totals?.shipping ? { code: totals.shipping.code, name: totals.shipping.name } : null,
    shippingOptions: (totals?.shippingOptions ?? []).map(({ code, name }) => ({ code, name })),
    tax: { name: totals?.taxName ?? 'Tax', rateBasisPoints: totals?.taxRateBasisPoints ?? 0, pricesIncludeTax: totals?.pricesIncludeTax ?? false },
    estimateCountry: config.STORE_COUNTRY,
  };
}
