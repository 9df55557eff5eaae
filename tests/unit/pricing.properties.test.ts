import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_CART_CENTS,
  MAX_INPUT_INTEGER,
  priceCart,
  type CouponRule,
  type PricingInput,
  type PricingLine,
  type PricingResult,
  type ShippingRule,
  type TaxRule,
} from '../../src/cart/pricing.js';

// The price engine's invariants over random carts, from tiny to the limits it allows
// (prices and quantities up to 2^31 − 1, a cart up to 10^15 ¢). The references below are
// written differently from the engine on purpose, in bigint, so they cannot share its bugs.

// PRICING_RUNS=100000 for a long soak; a few hundred per property in the suite.
const runs = { numRuns: Number(process.env.PRICING_RUNS ?? 300) };
const maxLines = 8;
// Each line may take an eighth of the cart ceiling, so every generated cart is within it.
const perLine = Math.floor(MAX_CART_CENTS / maxLines);

const int = (min: number, max: number) => fc.integer({ min, max });
const smallOrBig = (small: number, min = 0) => fc.oneof(int(min, small), int(min, MAX_INPUT_INTEGER));
const idList = fc.option(fc.uniqueArray(int(1, 6), { maxLength: 3 }), { nil: null });

const lineArb: fc.Arbitrary<PricingLine> = fc
  .record({
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 4 })),
    productId: int(1, 6),
    categoryIds: fc.uniqueArray(int(1, 6), { maxLength: 3 }),
    // A few common prices and quantity 1, so lines tie for the discount's leftover cents.
    unitPriceCents: fc.oneof(smallOrBig(10_000), fc.constantFrom(1, 300, 999)),
    quantity: fc.oneof(smallOrBig(20, 1), fc.constant(1)),
    weightGrams: fc.option(smallOrBig(5_000), { nil: null }),
  })
  .map((line) => {
    // Clamped rather than filtered, so the limits themselves come up often.
    const quantity = Math.min(line.quantity, Math.floor(perLine / Math.max(line.unitPriceCents, 1)));
    const weightGrams = line.weightGrams === null ? null : Math.min(line.weightGrams, Math.floor(perLine / quantity));
    return { ...line, quantity, weightGrams };
  });

const linesArb = fc.uniqueArray(lineArb, { selector: (line) => line.id, maxLength: maxLines });

const couponArb: fc.Arbitrary<CouponRule | null> = fc.option(
  fc.oneof(
    fc.record({
      code: fc.constant('PCT'),
      kind: fc.constant('percent' as const),
      percentBasisPoints: fc.oneof(int(1, 10_000), fc.constantFrom(1, 1000, 1075, 5000, 10_000)),
      minSubtotalCents: fc.oneof(fc.constant(0), smallOrBig(20_000)),
      productIds: idList,
      categoryIds: idList,
    }),
    fc.record({
      code: fc.constant('FIX'),
      kind: fc.constant('fixed' as const),
      amountCents: smallOrBig(5_000, 1),
      minSubtotalCents: fc.oneof(fc.constant(0), smallOrBig(20_000)),
      productIds: idList,
      categoryIds: idList,
    }),
  ),
  { nil: null },
);

const freeOver = fc.option(smallOrBig(20_000), { nil: null });
const shippingArb: fc.Arbitrary<ShippingRule | null> = fc.option(
  fc.oneof(
    fc.record({ code: fc.constant('flat'), name: fc.constant('Flat'), kind: fc.constant('flat' as const), priceCents: smallOrBig(2_000), freeOverCents: freeOver }),
    fc.record({
      code: fc.constant('kg'),
      name: fc.constant('By weight'),
      kind: fc.constant('weight' as const),
      baseCents: smallOrBig(2_000),
      perKgCents: smallOrBig(500),
      freeOverCents: freeOver,
    }),
  ),
  { nil: null },
);

const taxArb: fc.Arbitrary<TaxRule> = fc.record({
  rateBasisPoints: fc.oneof(int(0, 10_000), fc.constantFrom(0, 1075, 2000, 10_000)),
  pricesIncludeTax: fc.boolean(),
  taxShipping: fc.boolean(),
});

type GeneratedInput = PricingInput & { coupon: CouponRule | null; shipping: ShippingRule | null };

const inputArb: fc.Arbitrary<GeneratedInput> = fc
  .record({ lines: linesArb, coupon: couponArb, shipping: shippingArb, tax: taxArb })
  .map((input) => {
    // Keep weight-based shipping under its ceiling for the generated weight.
    const shipping = input.shipping;
    if (shipping?.kind !== 'weight') return input;
    const startedKg = Math.max(1, Math.ceil(totalWeight(input.lines) / 1000));
    const perKgCents = Math.min(shipping.perKgCents, Math.floor((MAX_CART_CENTS - shipping.baseCents) / startedKg));
    return { ...input, shipping: { ...shipping, perKgCents } };
  });

// A permutation of the lines, drawn as random sort keys.
const withShuffle = fc.tuple(inputArb, fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: maxLines, maxLength: maxLines }));
function shuffle<T>(items: T[], keys: number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i] ?? 0, i }))
    .sort((a, b) => a.key - b.key || b.i - a.i)
    .map(({ item }) => item);
}

function totalWeight(lines: PricingLine[]): number {
  return lines.reduce((sum, line) => sum + (line.weightGrams ?? 0) * line.quantity, 0);
}

const big = BigInt;
const bigSum = (values: number[]) => values.reduce((sum, value) => sum + big(value), 0n);

/** n × r / d to the nearest integer, a half up: ⌊(2nr + d) / 2d⌋. */
function halfUp(n: number, r: number, d: number): number {
  return Number((2n * big(n) * big(r) + big(d)) / (2n * big(d)));
}

function taxOf(amount: number, tax: TaxRule): number {
  return tax.pricesIncludeTax ? halfUp(amount, tax.rateBasisPoints, 10_000 + tax.rateBasisPoints) : halfUp(amount, tax.rateBasisPoints, 10_000);
}

function eligible(line: PricingLine, coupon: CouponRule): boolean {
  if (coupon.productIds === null && coupon.categoryIds === null) return true;
  const byProduct = coupon.productIds !== null && coupon.productIds.includes(line.productId);
  const byCategory = coupon.categoryIds !== null && line.categoryIds.some((id) => coupon.categoryIds?.includes(id));
  return byProduct || byCategory;
}

function amounts(result: PricingResult): number[] {
  const { lines, couponProblem: _, freeShipping: __, ...totals } = result;
  return [...Object.values(totals), ...lines.flatMap(({ id: _id, ...line }) => Object.values(line))];
}

function byId(result: PricingResult) {
  return new Map(result.lines.map((line) => [line.id, line]));
}

describe('priceCart properties', () => {
  it('gives every amount as a non-negative safe integer, the total never negative', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = priceCart(input);
        for (const amount of amounts(result)) {
          expect(Number.isSafeInteger(amount) && amount >= 0).toBe(true);
        }
      }),
      runs,
    );
  });

  it('makes every total the exact sum of its parts', () => {
    fc.assert(
      fc.property(inputArb, ({ lines, coupon, shipping, tax }) => {
        const result = priceCart({ lines, coupon, shipping, tax });
        result.lines.forEach((priced, i) => {
          const line = lines[i] as PricingLine;
          expect(priced.id).toBe(line.id);
          expect(big(priced.subtotalCents)).toBe(big(line.unitPriceCents) * big(line.quantity));
          const taxOnTop = tax.pricesIncludeTax ? 0 : priced.taxCents;
          expect(priced.totalCents).toBe(priced.subtotalCents - priced.discountCents + taxOnTop);
        });
        expect(big(result.subtotalCents)).toBe(bigSum(result.lines.map((l) => l.subtotalCents)));
        expect(big(result.discountCents)).toBe(bigSum(result.lines.map((l) => l.discountCents)));
        expect(big(result.taxCents)).toBe(bigSum(result.lines.map((l) => l.taxCents)) + big(result.shippingTaxCents));
        const shippingTax = tax.pricesIncludeTax ? 0 : result.shippingTaxCents;
        expect(big(result.totalCents)).toBe(bigSum(result.lines.map((l) => l.totalCents)) + big(result.shippingCents) + big(shippingTax));
        expect(big(result.weightGrams)).toBe(lines.reduce((sum, l) => sum + big(l.weightGrams ?? 0) * big(l.quantity), 0n));
      }),
      runs,
    );
  });

  it('totals subtotal − discount + shipping when prices include tax, plus the tax when they do not', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = priceCart(input);
        const base = r.subtotalCents - r.discountCents + r.shippingCents;
        expect(r.totalCents).toBe(input.tax.pricesIncludeTax ? base : base + r.taxCents);
      }),
      runs,
    );
  });

  it('discounts only eligible lines, never more than their subtotal, exactly as the coupon says', () => {
    fc.assert(
      fc.property(inputArb, ({ lines, coupon, shipping, tax }) => {
        const result = priceCart({ lines, coupon, shipping, tax });
        const isEligible = lines.map((line) => coupon !== null && eligible(line, coupon));
        const eligibleSubtotal = Number(bigSum(result.lines.filter((_, i) => isEligible[i]).map((l) => l.subtotalCents)));
        expect(result.discountCents).toBeLessThanOrEqual(eligibleSubtotal);
        result.lines.forEach((line, i) => {
          expect(line.discountCents).toBeLessThanOrEqual(isEligible[i] ? line.subtotalCents : 0);
        });
        expect(result.discountCents).toBe(expectedDiscount(coupon, isEligible, result.subtotalCents, eligibleSubtotal));
        expect(result.couponProblem).toEqual(expectedProblem(coupon, isEligible, result.subtotalCents));
      }),
      runs,
    );
  });

  it('splits the discount in proportion: each eligible line within a cent of its exact share', () => {
    fc.assert(
      fc.property(inputArb, ({ lines, coupon, shipping, tax }) => {
        const result = priceCart({ lines, coupon, shipping, tax });
        const total = big(result.discountCents);
        const eligibleSubtotal = big(result.eligibleSubtotalCents);
        result.lines.forEach((line, i) => {
          if (coupon === null || !eligible(lines[i] as PricingLine, coupon) || eligibleSubtotal === 0n) return expect(line.discountCents).toBe(0);
          // |d_i × E − D × s_i| < E: the floor or the ceiling of D × s_i / E
          const gap = big(line.discountCents) * eligibleSubtotal - total * big(line.subtotalCents);
          expect(gap < eligibleSubtotal && -gap < eligibleSubtotal).toBe(true);
        });
      }),
      runs,
    );
  });

  it('taxes each line by the rounding rule applied to that line alone', () => {
    fc.assert(
      fc.property(inputArb, ({ lines, coupon, shipping, tax }) => {
        const result = priceCart({ lines, coupon, shipping, tax });
        const denominator = big(tax.pricesIncludeTax ? 10_000 + tax.rateBasisPoints : 10_000);
        for (const [i, line] of result.lines.entries()) {
          const net = line.subtotalCents - line.discountCents;
          expect(line.taxCents).toBe(taxOf(net, tax));
          // Nearest cent, an exact half up: −d < 2 × (tax × d − net × r) ≤ d
          const twiceGap = 2n * (big(line.taxCents) * denominator - big(net) * big(tax.rateBasisPoints));
          expect(-denominator < twiceGap && twiceGap <= denominator).toBe(true);
          // The same line priced as a cart of its own, with its discount as a fixed coupon, gets the same tax.
          if (line.discountCents > MAX_INPUT_INTEGER) continue;
          const own = { ...(lines[i] as PricingLine), categoryIds: [] };
          const ownCoupon: CouponRule | null =
            line.discountCents === 0 ? null : { code: 'OWN', kind: 'fixed', amountCents: line.discountCents, minSubtotalCents: 0, productIds: null, categoryIds: null };
          expect(priceCart({ lines: [own], coupon: ownCoupon, tax }).lines[0]?.taxCents).toBe(line.taxCents);
        }
        expect(result.shippingTaxCents).toBe(tax.taxShipping ? taxOf(result.shippingCents, tax) : 0);
      }),
      runs,
    );
  });

  it('charges shipping by the rule: free from the threshold after discount, per started kg', () => {
    fc.assert(
      fc.property(inputArb, ({ lines, coupon, shipping, tax }) => {
        const result = priceCart({ lines, coupon, shipping, tax });
        expect(result.shippingCents).toBe(expectedShipping(shipping, lines, result.subtotalCents - result.discountCents));
        expect(result.freeShipping).toBe(
          shipping != null && lines.length > 0 && shipping.freeOverCents !== null && result.subtotalCents - result.discountCents >= shipping.freeOverCents,
        );
      }),
      runs,
    );
  });

  it('does not depend on the order of the lines', () => {
    fc.assert(
      fc.property(withShuffle, ([input, keys]) => {
        const result = priceCart(input);
        const shuffled = priceCart({ ...input, lines: shuffle(input.lines, keys) });
        const { lines: _a, ...totals } = result;
        const { lines: _b, ...shuffledTotals } = shuffled;
        expect(shuffledTotals).toEqual(totals);
        expect(byId(shuffled)).toEqual(byId(result));
      }),
      runs,
    );
  });

  it('refuses any amount beyond its limits with a RangeError', () => {
    const bad = fc.oneof(
      fc.constantFrom(-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_INPUT_INTEGER + 1, 1e20),
      fc.integer({ min: MAX_INPUT_INTEGER + 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ max: -1 }),
      fc.double({ min: 0, max: 1e6, noInteger: true }),
    );
    const field = fc.constantFrom('unitPriceCents', 'quantity', 'weightGrams');
    fc.assert(
      fc.property(inputArb, bad, field, ({ lines, coupon, tax }, value, name) => {
        // Seven lines leave room under the cart ceiling for one more small line.
        const others = lines.slice(0, maxLines - 1);
        const line = (amount: number): PricingLine => ({ id: 'new', productId: 1, categoryIds: [], unitPriceCents: 1, quantity: 1, weightGrams: 1, [name]: amount });
        expect(() => priceCart({ lines: [...others, line(1)], coupon, tax })).not.toThrow();
        expect(() => priceCart({ lines: [...others, line(value)], coupon, tax })).toThrow(RangeError);
      }),
      runs,
    );
  });
});

function expectedDiscount(coupon: CouponRule | null, isEligible: boolean[], subtotal: number, eligibleSubtotal: number): number {
  if (coupon === null || expectedProblem(coupon, isEligible, subtotal)) return 0;
  return coupon.kind === 'percent' ? halfUp(eligibleSubtotal, coupon.percentBasisPoints, 10_000) : Math.min(coupon.amountCents, eligibleSubtotal);
}

function expectedProblem(coupon: CouponRule | null, isEligible: boolean[], subtotal: number) {
  if (coupon === null) return undefined;
  if (!isEligible.some(Boolean)) return { reason: 'no_eligible_items' };
  if (subtotal < coupon.minSubtotalCents) return { reason: 'below_minimum', minSubtotalCents: coupon.minSubtotalCents };
  return undefined;
}

function expectedShipping(rule: ShippingRule | null, lines: PricingLine[], afterDiscount: number): number {
  if (rule === null || lines.length === 0) return 0;
  if (rule.freeOverCents !== null && afterDiscount >= rule.freeOverCents) return 0;
  if (rule.kind === 'flat') return rule.priceCents;
  const grams = big(totalWeight(lines));
  const startedKg = (grams + 999n) / 1000n;
  return Number(big(rule.baseCents) + big(rule.perKgCents) * startedKg);
}
