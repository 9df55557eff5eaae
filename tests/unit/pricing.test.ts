import { describe, expect, it } from 'vitest';
import {
  MAX_CART_CENTS,
  MAX_INPUT_INTEGER,
  PricingInputError,
  priceCart,
  type CouponRule,
  type PricingLine,
  type ShippingRule,
  type TaxRule,
} from '../../src/cart/pricing.js';

// Worked examples, the arithmetic done by hand in the comments. Rule: tax on each line by
// itself, rounded to the cent, an exact half up (docs/decisions/0007-money-rounding.md).

const line = (id: string | number, unitPriceCents: number, quantity: number, more: Partial<PricingLine> = {}): PricingLine => ({
  id,
  productId: typeof id === 'number' ? id : 1,
  categoryIds: [],
  unitPriceCents,
  quantity,
  weightGrams: null,
  ...more,
});

const exclusive = (rateBasisPoints: number, taxShipping = false): TaxRule => ({ rateBasisPoints, pricesIncludeTax: false, taxShipping });
const inclusive = (rateBasisPoints: number, taxShipping = false): TaxRule => ({ rateBasisPoints, pricesIncludeTax: true, taxShipping });
const noTax = exclusive(0);

const percentOff = (percentBasisPoints: number, more: Partial<CouponRule> = {}): CouponRule => ({
  code: 'SAVE',
  kind: 'percent',
  percentBasisPoints,
  minSubtotalCents: 0,
  productIds: null,
  categoryIds: null,
  ...more,
} as CouponRule);

const amountOff = (amountCents: number, more: Partial<CouponRule> = {}): CouponRule => ({
  code: 'FIVE',
  kind: 'fixed',
  amountCents,
  minSubtotalCents: 0,
  productIds: null,
  categoryIds: null,
  ...more,
} as CouponRule);

const flat = (priceCents: number, freeOverCents: number | null = null): ShippingRule => ({ code: 'standard', name: 'Standard', kind: 'flat', priceCents, freeOverCents });
const byWeight = (baseCents: number, perKgCents: number, freeOverCents: number | null = null): ShippingRule => ({
  code: 'express',
  name: 'Express',
  kind: 'weight',
  baseCents,
  perKgCents,
  freeOverCents,
});

// 3 × $0.10 and 1 × $19.99, the example of issue 5.
const dimes = line('dimes', 10, 3);
const book = line('book', 1999, 1);

describe('10.75 % tax on 3 × $0.10 + 1 × $19.99', () => {
  it('adds tax on top of each line when prices exclude tax', () => {
    const result = priceCart({ lines: [dimes, book], tax: exclusive(1075) });
    // dimes: 3 × 10 = 30 ¢; 30 × 0.1075 = 3.225 ¢ → 3 ¢ (below the half); 30 + 3 = 33 ¢
    // book:  1 × 1999 = 1999 ¢; 1999 × 0.1075 = 214.8925 ¢ → 215 ¢; 1999 + 215 = 2214 ¢
    expect(result.lines).toEqual([
      { id: 'dimes', unitPriceCents: 10, quantity: 3, subtotalCents: 30, discountCents: 0, taxCents: 3, totalCents: 33 },
      { id: 'book', unitPriceCents: 1999, quantity: 1, subtotalCents: 1999, discountCents: 0, taxCents: 215, totalCents: 2214 },
    ]);
    // subtotal 30 + 1999 = 2029; tax 3 + 215 = 218; total 33 + 2214 = 2247 = 2029 + 218
    expect(result).toMatchObject({ subtotalCents: 2029, discountCents: 0, shippingCents: 0, taxCents: 218, totalCents: 2247 });
  });

  it('shows the tax contained in each line when prices include it, and the total does not grow', () => {
    const result = priceCart({ lines: [dimes, book], tax: inclusive(1075) });
    // The tax inside a gross amount g is g × 1075 / 11075.
    // dimes: 30 × 1075 / 11075 = 32250 / 11075 = 2.912 ¢ → 3 ¢
    // book:  1999 × 1075 / 11075 = 2148925 / 11075 = 194.034 ¢ → 194 ¢ (11075 × 194 = 2148550, 375 over)
    expect(result.lines).toEqual([
      { id: 'dimes', unitPriceCents: 10, quantity: 3, subtotalCents: 30, discountCents: 0, taxCents: 3, totalCents: 30 },
      { id: 'book', unitPriceCents: 1999, quantity: 1, subtotalCents: 1999, discountCents: 0, taxCents: 194, totalCents: 1999 },
    ]);
    // total = 30 + 1999 = 2029, of which tax 3 + 194 = 197
    expect(result).toMatchObject({ subtotalCents: 2029, taxCents: 197, totalCents: 2029 });
  });
});

describe('coupons', () => {
  it('takes 10 % of the eligible subtotal once and splits it over the lines by largest remainder', () => {
    const result = priceCart({ lines: [dimes, book], coupon: percentOff(1000), tax: exclusive(1075) });
    // discount: 2029 × 10 % = 202.9 ¢ → 203 ¢
    // dimes' share 203 × 30 / 2029 = 3.0015 → 3, remainder 3/2029
    // book's share 203 × 1999 / 2029 = 199.9985 → 199, remainder 2026/2029; the one cent left goes to it → 200
    // tax: dimes (30 − 3) × 0.1075 = 2.9025 → 3; book (1999 − 200) × 0.1075 = 193.3925 → 193
    expect(result.lines.map((l) => [l.discountCents, l.taxCents, l.totalCents])).toEqual([
      [3, 3, 30], // 27 + 3
      [200, 193, 1992], // 1799 + 193
    ]);
    // 2029 − 203 + 3 + 193 = 2022
    expect(result).toMatchObject({ subtotalCents: 2029, eligibleSubtotalCents: 2029, discountCents: 203, taxCents: 196, totalCents: 2022 });
    expect(result.couponProblem).toBeUndefined();
  });

  it('never takes more than the cart: $5 off a $3 cart is $3 off and a total of $0', () => {
    const result = priceCart({ lines: [line('mug', 100, 3)], coupon: amountOff(500), shipping: null, tax: exclusive(1075) });
    // 3 × 100 = 300 ¢; min(500, 300) = 300 ¢; 0 ¢ left, 0 ¢ tax
    expect(result).toMatchObject({ subtotalCents: 300, discountCents: 300, taxCents: 0, totalCents: 0 });
    expect(result.lines[0]).toMatchObject({ discountCents: 300, totalCents: 0 });
  });

  it('discounts only the lines in its categories', () => {
    const shirt = line(1, 1500, 2, { categoryIds: [7, 3] });
    const mug = line(2, 800, 1, { categoryIds: [9] });
    const result = priceCart({ lines: [shirt, mug], coupon: percentOff(2000, { categoryIds: [7] }), tax: noTax });
    // eligible: the shirts, 2 × 1500 = 3000 ¢; 20 % = 600 ¢, all on the shirts; the mug keeps 800 ¢
    expect(result.lines.map((l) => l.discountCents)).toEqual([600, 0]);
    // 3000 + 800 − 600 = 3200
    expect(result).toMatchObject({ subtotalCents: 3800, eligibleSubtotalCents: 3000, discountCents: 600, totalCents: 3200 });
  });

  it('discounts a product named by id, as well as the categories (either matches)', () => {
    const result = priceCart({
      lines: [line(1, 1000, 1, { categoryIds: [7] }), line(2, 1000, 1), line(3, 1000, 1)],
      coupon: percentOff(5000, { productIds: [3], categoryIds: [7] }),
      tax: noTax,
    });
    expect(result.lines.map((l) => l.discountCents)).toEqual([500, 0, 500]);
  });

  it('gives nothing below the minimum, and says what the minimum is', () => {
    const result = priceCart({ lines: [line(1, 1500, 2), line(2, 800, 1)], coupon: percentOff(1000, { minSubtotalCents: 5000 }), tax: noTax });
    // the whole cart is 3000 + 800 = 3800 ¢ < 5000 ¢
    expect(result).toMatchObject({ discountCents: 0, totalCents: 3800, couponProblem: { reason: 'below_minimum', minSubtotalCents: 5000 } });
  });

  it('checks the minimum on the whole cart, before the discount', () => {
    // eligible 1000 ¢, the cart 5000 ¢ = the minimum: it applies (at equality), 10 % of 1000 = 100
    const result = priceCart({
      lines: [line(1, 1000, 1, { categoryIds: [7] }), line(2, 4000, 1)],
      coupon: percentOff(1000, { minSubtotalCents: 5000, categoryIds: [7] }),
      tax: noTax,
    });
    expect(result).toMatchObject({ discountCents: 100, totalCents: 4900 });
    expect(result.couponProblem).toBeUndefined();
  });

  it('says when no line is eligible, even below the minimum', () => {
    const result = priceCart({ lines: [line(1, 500, 1, { categoryIds: [9] })], coupon: percentOff(1000, { minSubtotalCents: 9000, categoryIds: [7] }), tax: noTax });
    expect(result).toMatchObject({ discountCents: 0, totalCents: 500, couponProblem: { reason: 'no_eligible_items' } });
  });

  it('splits a fixed amount over equal lines by id, whatever their order', () => {
    // 100 ¢ over three lines of 300 ¢: 33.33 each → 33, 33, 33 and one cent left, to the smallest id
    const lines = [line('c', 300, 1), line('a', 300, 1), line('b', 300, 1)];
    const result = priceCart({ lines, coupon: amountOff(100), tax: noTax });
    expect(Object.fromEntries(result.lines.map((l) => [l.id, l.discountCents]))).toEqual({ a: 34, b: 33, c: 33 });
    const reversed = priceCart({ lines: [...lines].reverse(), coupon: amountOff(100), tax: noTax });
    expect(Object.fromEntries(reversed.lines.map((l) => [l.id, l.discountCents]))).toEqual({ a: 34, b: 33, c: 33 });
  });
});

describe('shipping', () => {
  const parcel = (grams: number, quantity = 1) => line('parcel', 1000, quantity, { weightGrams: grams });

  it('charges weight-based shipping per started kilogram', () => {
    const rule = byWeight(1299, 200);
    const shippingFor = (...lines: PricingLine[]) => priceCart({ lines, shipping: rule, tax: noTax }).shippingCents;
    expect(shippingFor(parcel(0))).toBe(1299); // 0 kg started: the base only
    expect(shippingFor(parcel(1))).toBe(1499); // 1 g starts the first kg: 1299 + 200
    expect(shippingFor(parcel(1000))).toBe(1499); // exactly 1 kg
    expect(shippingFor(parcel(1001))).toBe(1699); // 1.001 kg: 2 started, 1299 + 2 × 200
    // 2 × 600 g + a line with no weight = 1200 g → 2 started kg → 1699
    const result = priceCart({ lines: [parcel(600, 2), line('ebook', 500, 1)], shipping: rule, tax: noTax });
    expect(result).toMatchObject({ weightGrams: 1200, shippingCents: 1699, totalCents: 2000 + 500 + 1699 });
  });

  it('is free from the threshold on, compared after the discount', () => {
    const rule = flat(599, 7500);
    expect(priceCart({ lines: [line(1, 7500, 1)], shipping: rule, tax: noTax })).toMatchObject({ shippingCents: 0, freeShipping: true, totalCents: 7500 });
    expect(priceCart({ lines: [line(1, 7499, 1)], shipping: rule, tax: noTax })).toMatchObject({ shippingCents: 599, freeShipping: false, totalCents: 8098 });
    // 8000 − 10 % = 7200 < 7500: shipping is charged, 7200 + 599 = 7799
    const discounted = priceCart({ lines: [line(1, 8000, 1)], coupon: percentOff(1000), shipping: rule, tax: noTax });
    expect(discounted).toMatchObject({ discountCents: 800, shippingCents: 599, freeShipping: false, totalCents: 7799 });
  });

  it('costs nothing for an empty cart', () => {
    expect(priceCart({ lines: [], shipping: flat(599), tax: exclusive(1075, true) })).toMatchObject({ shippingCents: 0, totalCents: 0 });
  });

  it('is taxed when the rule says so: on top when prices exclude tax, contained when they include it', () => {
    // exclusive: 599 × 0.1075 = 64.3925 → 64; total 1000 + 108 (1000 × 0.1075 = 107.5 → 108) + 599 + 64 = 1771
    const excl = priceCart({ lines: [line(1, 1000, 1)], shipping: flat(599), tax: exclusive(1075, true) });
    expect(excl).toMatchObject({ shippingCents: 599, shippingTaxCents: 64, taxCents: 108 + 64, totalCents: 1771 });
    // inclusive: 599 × 1075 / 11075 = 58.14 → 58 inside the 599; 1000 × 1075 / 11075 = 97.07 → 97; total 1599
    const incl = priceCart({ lines: [line(1, 1000, 1)], shipping: flat(599), tax: inclusive(1075, true) });
    expect(incl).toMatchObject({ shippingCents: 599, shippingTaxCents: 58, taxCents: 97 + 58, totalCents: 1599 });
    // not taxed: 1000 + 108 + 599
    expect(priceCart({ lines: [line(1, 1000, 1)], shipping: flat(599), tax: exclusive(1075) })).toMatchObject({ shippingTaxCents: 0, totalCents: 1707 });
  });
});

describe('rounding: to the cent, an exact half up', () => {
  it('rounds a tax of exactly half a cent up (half-even would round 2.5 down to 2 and 64.5 down to 64)', () => {
    // 25 × 10 % = 2.5 ¢ → 3; 600 × 10.75 % = 64.5 ¢ → 65; 35 × 10 % = 3.5 → 4 (both rules agree)
    expect(priceCart({ lines: [line(1, 25, 1)], tax: exclusive(1000) }).taxCents).toBe(3);
    expect(priceCart({ lines: [line(1, 600, 1)], tax: exclusive(1075) }).taxCents).toBe(65);
    expect(priceCart({ lines: [line(1, 35, 1)], tax: exclusive(1000) }).taxCents).toBe(4);
    // just below the half: 24 × 10 % = 2.4 → 2
    expect(priceCart({ lines: [line(1, 24, 1)], tax: exclusive(1000) }).taxCents).toBe(2);
  });

  it('rounds an included tax of exactly half a cent up', () => {
    // 20 % included in 15 ¢: 15 × 2000 / 12000 = 2.5 → 3
    expect(priceCart({ lines: [line(1, 15, 1)], tax: inclusive(2000) }).taxCents).toBe(3);
  });

  it('rounds a percentage discount of exactly half a cent up', () => {
    // 10 % of 5 ¢ = 0.5 ¢ → 1 ¢
    expect(priceCart({ lines: [line(1, 5, 1)], coupon: percentOff(1000), tax: noTax }).discountCents).toBe(1);
  });

  it('rounds each line by itself, so the cart tax can differ from the rate applied to the sum', () => {
    // three lines of 5 ¢ at 10 %: 0.5 → 1 each, 3 ¢; on the sum it would be 15 × 10 % = 1.5 → 2
    const result = priceCart({ lines: [line(1, 5, 1), line(2, 5, 1), line(3, 5, 1)], tax: exclusive(1000) });
    expect(result.lines.map((l) => l.taxCents)).toEqual([1, 1, 1]);
    expect(result).toMatchObject({ taxCents: 3, totalCents: 18 });
  });
});

describe('limits', () => {
  const tax = noTax;

  it('prices the largest cart it allows exactly', () => {
    // 465,661 × 2,147,483,647 = 999,999,382,545,667 ¢ ≤ 10^15 (one more unit would pass it);
    // with 100 % tax the total is twice that, 1,999,998,765,091,334 ¢, still exact
    const result = priceCart({ lines: [line(1, MAX_INPUT_INTEGER, 465_661)], tax: exclusive(10_000) });
    expect(result.subtotalCents).toBe(999_999_382_545_667);
    expect(result.totalCents).toBe(1_999_998_765_091_334);
    expect(() => priceCart({ lines: [line(1, MAX_INPUT_INTEGER, 465_662)], tax })).toThrow(RangeError);
  });

  it.each([
    ['a negative price', [line(1, -1, 1)]],
    ['a fractional price', [line(1, 1.5, 1)]],
    ['a price past a Postgres integer', [line(1, MAX_INPUT_INTEGER + 1, 1)]],
    ['quantity 0', [line(1, 100, 0)]],
    ['quantity 1.5', [line(1, 100, 1.5)]],
    ['quantity 2147483648', [line(1, 100, 2_147_483_648)]],
    ['quantity 1e20', [line(1, 100, 1e20)]],
    ['quantity NaN', [line(1, 100, Number.NaN)]],
    ['a negative weight', [line(1, 100, 1, { weightGrams: -1 })]],
    ['two lines with one id', [line(1, 100, 1), line(1, 200, 1)]],
    ['a cart over 10^15 ¢', [line(1, MAX_INPUT_INTEGER, MAX_INPUT_INTEGER)]],
  ])('refuses %s with a RangeError', (_, lines) => {
    expect(() => priceCart({ lines, tax })).toThrow(RangeError);
    expect(() => priceCart({ lines, tax })).toThrow(PricingInputError);
  });

  it('refuses rules outside their ranges', () => {
    const lines = [line(1, 100, 1)];
    expect(() => priceCart({ lines, tax: exclusive(10_001) })).toThrow(RangeError);
    expect(() => priceCart({ lines, tax: exclusive(-1) })).toThrow(RangeError);
    expect(() => priceCart({ lines, coupon: percentOff(0), tax })).toThrow(RangeError);
    expect(() => priceCart({ lines, coupon: percentOff(10_001), tax })).toThrow(RangeError);
    expect(() => priceCart({ lines, coupon: amountOff(0), tax })).toThrow(RangeError);
    expect(() => priceCart({ lines, coupon: amountOff(10, { minSubtotalCents: -1 }), tax })).toThrow(RangeError);
    expect(() => priceCart({ lines, shipping: flat(-1), tax })).toThrow(RangeError);
    expect(() => priceCart({ lines, shipping: byWeight(0, 1.5), tax })).toThrow(RangeError);
    // 999,999,382,545,667 g: 999,999,382,546 started kg × 2000 ¢ is past the 10^15 ¢ shipping ceiling
    const heavy = [line(1, 1, 465_661, { weightGrams: MAX_INPUT_INTEGER })];
    expect(() => priceCart({ lines: heavy, shipping: byWeight(0, 2000), tax })).toThrow(RangeError);
    expect(MAX_CART_CENTS).toBe(10 ** 15);
  });
});
