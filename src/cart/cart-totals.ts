import type { DbOrTx } from '../db/database.js';
import { formatMoney } from '../lib/money.js';
import { lineFlags, type CartView } from './cart-view.js';
import { couponProblem, couponRule, findCoupon } from './coupons.js';
import { priceCart, type PricingResult, type ShippingRule } from './pricing.js';
import { pricingRulesFor, shippingRule, type TaxSettings } from './shipping-tax.js';

export interface PricingContext {
  userId: number | null;
  email?: string | null;
  /** Where it ships: the shopper's address at checkout, the store's country before that. */
  country: string;
  region?: string;
  /** The shipping method chosen; the first of the zone's otherwise. */
  shippingCode?: string;
  settings: TaxSettings;
  currency: string;
  /** A category and everything below it, for category-restricted coupons. */
  expandCategories: (ids: number[]) => number[];
  now: Date;
}

export interface CartTotals {
  pricing: PricingResult;
  /** The coupon on the cart and, when it gives nothing, why. */
  coupon?: { code: string; problem?: string };
  shipping: ShippingRule | null;
  shippingOptions: ShippingRule[];
  taxName: string;
  taxRateBasisPoints: number;
  pricesIncludeTax: boolean;
}

/** The lines the cart charges for: not withdrawn, not sold out, at most the stock. */
function pricingLines(cart: CartView) {
  return cart.lines
    .filter((line) => !lineFlags(line).unavailable)
    .map((line) => ({
      id: line.id,
      productId: line.productId,
      categoryIds: line.categoryId === null ? [] : [line.categoryId],
      unitPriceCents: line.unitPriceCents,
      quantity: Math.min(line.quantity, line.stock),
      weightGrams: line.weightGrams,
    }));
}

/** The subtotal alone (the mini-cart's), by the same engine, without a query. */
export function cartSubtotalCents(cart: CartView): number {
  return priceCart({ lines: pricingLines(cart), tax: { rateBasisPoints: 0, pricesIncludeTax: false, taxShipping: false } }).subtotalCents;
}

/** Units in the cart (saved-for-later lines not counted): the header badge. */
export function cartUnits(cart: CartView | undefined): number {
  return cart ? cart.lines.reduce((sum, line) => sum + line.quantity, 0) : 0;
}

/**
 * A cart's totals at today's prices. Only lines that can be bought count (a sold-out or
 * withdrawn line is flagged, not charged); the price engine does all the arithmetic.
 */
export async function calculateCartTotals(db: DbOrTx, cart: CartView, context: PricingContext): Promise<CartTotals> {
  const lines = pricingLines(cart);
  const [{ methods, tax }, coupon] = await Promise.all([
    pricingRulesFor(db, { country: context.country, ...(context.region ? { region: context.region } : {}) }, context.settings),
    cart.couponCode ? findCoupon(db, cart.couponCode) : undefined,
  ]);
  const shippingOptions = methods.map(shippingRule);
  const shipping = shippingOptions.find((option) => option.code === context.shippingCode) ?? shippingOptions[0] ?? null;
  const refused = coupon ? await couponProblem(db, coupon, { userId: context.userId, email: context.email ?? null }, context.now) : undefined;
  const pricing = priceCart({
    lines,
    coupon: coupon && !refused ? couponRule(coupon, context.expandCategories) : null,
    shipping: lines.length ? shipping : null,
    tax,
  });
  const problem = !cart.couponCode ? undefined : !coupon ? 'That coupon no longer exists.' : (refused ?? engineProblem(pricing, context.currency));
  return {
    pricing,
    ...(cart.couponCode ? { coupon: { code: cart.couponCode, ...(problem ? { problem } : {}) } } : {}),
    shipping,
    shippingOptions,
    taxName: tax.name,
    taxRateBasisPoints: tax.rateBasisPoints,
    pricesIncludeTax: tax.pricesIncludeTax,
  };
}

function engineProblem(pricing: PricingResult, currency: string): string | undefined {
  const problem = pricing.couponProblem;
  if (!problem) return undefined;
  return problem.reason === 'below_minimum'
    ? `That coupon needs a subtotal of at least ${formatMoney(problem.minSubtotalCents, currency)}.`
    : 'That coupon does not apply to anything in your cart.';
}
