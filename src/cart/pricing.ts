/**
 * The price engine: one pure function from a cart's lines, coupon, shipping method and tax rule
 * to every amount the shopper sees and payment charges. No I/O and no clock: whether a coupon
 * is active, in its dates and within its usage limits is decided where it is looked up.
 *
 * Money is integer minor units throughout; every percentage or rate goes through bigint, so
 * no product ever passes 2^53 or a float. The rules (half-up per line, largest remainder for
 * discounts, limits) are in docs/decisions/0007-money-rounding.md.
 */

export interface PricingLine {
  id: string | number;
  productId: number;
  categoryIds: number[];
  unitPriceCents: number;
  quantity: number;
  /** Per unit; null (not weighed, e.g. a download) counts as 0 g. */
  weightGrams: number | null;
}

interface CouponScope {
  code: string;
  /** Compared with the whole cart's subtotal, before any discount. */
  minSubtotalCents: number;
  /** null: no restriction of this kind. A line is eligible when any non-null list matches it. */
  productIds: number[] | null;
  categoryIds: number[] | null;
}

export type CouponRule =
  | (CouponScope & { kind: 'percent'; /** 1..10000, 1000 = 10 % */ percentBasisPoints: number })
  | (CouponScope & { kind: 'fixed'; amountCents: number });

export type ShippingRule =
  | { code: string; name: string; kind: 'flat'; priceCents: number; freeOverCents: number | null }
  | { code: string; name: string; kind: 'weight'; baseCents: number; /** per started kg */ perKgCents: number; freeOverCents: number | null };

export interface TaxRule {
  /** 0..10000; 1075 = 10.75 %. */
  rateBasisPoints: number;
  pricesIncludeTax: boolean;
  taxShipping: boolean;
}

export interface PricingInput {
  lines: PricingLine[];
  coupon?: CouponRule | null;
  shipping?: ShippingRule | null;
  tax: TaxRule;
}

export interface PricedLine {
  id: string | number;
  unitPriceCents: number;
  quantity: number;
  /** unit × quantity */
  subtotalCents: number;
  discountCents: number;
  /** Added on top when prices exclude tax; the part contained in the line when they include it. */
  taxCents: number;
  /** What the line costs: subtotal − discount (+ tax when prices exclude it). */
  totalCents: number;
}

export type CouponProblem = { reason: 'below_minimum'; minSubtotalCents: number } | { reason: 'no_eligible_items' };

export interface PricingResult {
  lines: PricedLine[];
  subtotalCents: number;
  /** Subtotal of the lines the coupon may discount (0 without a coupon). */
  eligibleSubtotalCents: number;
  discountCents: number;
  /** The shipping price as configured: net when prices exclude tax, tax included when they include it. */
  shippingCents: number;
  /** Tax on shipping; already part of taxCents. */
  shippingTaxCents: number;
  /** A threshold made shipping free (so the page can say "Free" rather than $0.00). */
  freeShipping: boolean;
  /** All lines' tax plus shipping's. */
  taxCents: number;
  totalCents: number;
  /** Why the coupon gave nothing, when it did not apply. */
  couponProblem?: CouponProblem;
  weightGrams: number;
}

/** Prices, quantities, weights and configured amounts fit a Postgres integer, as stored. */
export const MAX_INPUT_INTEGER = 2_147_483_647;
/**
 * Ceiling for the cart subtotal, the shipping price and the cart's weight in grams. With tax
 * at most 100 %, the total stays under 4 × 10^15 < 2^53, so every amount is a safe integer.
 */
export const MAX_CART_CENTS = 1_000_000_000_000_000;

/** Input outside the documented limits; a RangeError, so callers can treat it as one. */
export class PricingInputError extends RangeError {
  override name = 'PricingInputError';
}

export function priceCart(input: PricingInput): PricingResult {
  validateInput(input);
  const { lines, tax } = input;
  const subtotals = lines.map((line) => line.unitPriceCents * line.quantity);
  const subtotalCents = sum(subtotals);
  const weightGrams = sum(lines.map((line) => (line.weightGrams ?? 0) * line.quantity));
  const coupon = calculateDiscounts(lines, subtotals, subtotalCents, input.coupon ?? null);
  const discountCents = sum(coupon.discounts);
  const shipping = calculateShipping(input.shipping ?? null, lines.length, subtotalCents - discountCents, weightGrams);
  const shippingTaxCents = tax.taxShipping ? calculateTax(shipping.cents, tax) : 0;
  const pricedLines = lines.map((line, i) => priceLine(line, subtotals[i] ?? 0, coupon.discounts[i] ?? 0, tax));
  // Tax-inclusive: the shipping price already contains its tax, as each line does.
  const shippingTotal = shipping.cents + (tax.pricesIncludeTax ? 0 : shippingTaxCents);
  return {
    lines: pricedLines,
    subtotalCents,
    eligibleSubtotalCents: coupon.eligibleSubtotalCents,
    discountCents,
    shippingCents: shipping.cents,
    shippingTaxCents,
    freeShipping: shipping.free,
    taxCents: sum(pricedLines.map((line) => line.taxCents)) + shippingTaxCents,
    totalCents: sum(pricedLines.map((line) => line.totalCents)) + shippingTotal,
    ...(coupon.problem ? { couponProblem: coupon.problem } : {}),
    weightGrams,
  };
}

/** Tax is rounded on each line by itself (after its share of the discount), never on the cart. */
function priceLine(line: PricingLine, subtotalCents: number, discountCents: number, tax: TaxRule): PricedLine {
  const taxCents = calculateTax(subtotalCents - discountCents, tax);
  const totalCents = subtotalCents - discountCents + (tax.pricesIncludeTax ? 0 : taxCents);
  const { id, unitPriceCents, quantity } = line;
  return { id, unitPriceCents, quantity, subtotalCents, discountCents, taxCents, totalCents };
}

/**
 * numerator / denominator rounded to the nearest integer, an exact half up (the rule tax
 * authorities state: SSUTA §324, HMRC Notice 700 §17.5, EC 1103/97 art. 5). Non-negative only.
 */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return 2n * (numerator % denominator) >= denominator ? quotient + 1n : quotient;
}

/** amount × rate / 10000 (exclusive), or the part of amount that is tax (inclusive), rounded half-up. */
export function calculateTax(amountCents: number, tax: TaxRule): number {
  const rate = BigInt(tax.rateBasisPoints);
  const denominator = tax.pricesIncludeTax ? 10_000n + rate : 10_000n;
  return Number(divideHalfUp(BigInt(amountCents) * rate, denominator));
}

interface Discounts {
  discounts: number[];
  eligibleSubtotalCents: number;
  problem?: CouponProblem;
}

function calculateDiscounts(lines: PricingLine[], subtotals: number[], subtotalCents: number, coupon: CouponRule | null): Discounts {
  const none = lines.map(() => 0);
  if (!coupon) return { discounts: none, eligibleSubtotalCents: 0 };
  const eligible = lines.map((line) => isEligible(line, coupon));
  const eligibleSubtotalCents = sum(subtotals.filter((_, i) => eligible[i]));
  // No eligible line first: reaching the minimum would not help.
  if (!eligible.includes(true)) return { discounts: none, eligibleSubtotalCents, problem: { reason: 'no_eligible_items' } };
  if (subtotalCents < coupon.minSubtotalCents) {
    return { discounts: none, eligibleSubtotalCents, problem: { reason: 'below_minimum', minSubtotalCents: coupon.minSubtotalCents } };
  }
  // Capped at the eligible subtotal, so no line and no total can go below zero.
  const cartDiscount =
    coupon.kind === 'percent'
      ? Number(divideHalfUp(BigInt(eligibleSubtotalCents) * BigInt(coupon.percentBasisPoints), 10_000n))
      : Math.min(coupon.amountCents, eligibleSubtotalCents);
  const weights = subtotals.map((subtotal, i) => (eligible[i] ? subtotal : 0));
  return { discounts: allocate(cartDiscount, weights, lines.map((line) => line.id)), eligibleSubtotalCents };
}

function isEligible(line: PricingLine, coupon: CouponRule): boolean {
  if (coupon.productIds == null && coupon.categoryIds == null) return true;
  return (
    (coupon.productIds?.includes(line.productId) ?? false) ||
    (coupon.categoryIds?.some((category) => line.categoryIds.includes(category)) ?? false)
  );
}

/**
 * Splits amount over the lines in proportion to weights, summing to it exactly (largest
 * remainder): each line gets the floor of its exact share, and the cents left over go to the
 * largest remainders, ties to the smaller id, so the split does not depend on line order.
 * No line gets more than the ceiling of its share, hence never more than its weight.
 */
function allocate(amount: number, weights: number[], ids: (string | number)[]): number[] {
  const total = BigInt(sum(weights));
  if (amount === 0 || total === 0n) return weights.map(() => 0);
  const shares = weights.map((weight, i) => {
    const exact = BigInt(amount) * BigInt(weight);
    return { id: ids[i] ?? i, cents: Number(exact / total), remainder: exact % total };
  });
  let leftover = amount - sum(shares.map((share) => share.cents));
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? compareIds(a.id, b.id) : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (leftover === 0) break;
    share.cents += 1;
    leftover -= 1;
  }
  return shares.map((share) => share.cents);
}

/** A total order on ids: numbers (ascending) before strings (by UTF-16 code units, not locale). */
export function compareIds(a: string | number, b: string | number): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function calculateShipping(rule: ShippingRule | null, lineCount: number, goodsCents: number, weightGrams: number) {
  // Nothing to send, nothing to charge.
  if (!rule || lineCount === 0) return { cents: 0, free: false };
  // The threshold compares what the goods cost after the discount, as shown; reached at equality.
  if (rule.freeOverCents !== null && goodsCents >= rule.freeOverCents) return { cents: 0, free: true };
  if (rule.kind === 'flat') return { cents: rule.priceCents, free: false };
  const startedKg = Math.ceil(weightGrams / 1000);
  const cents = BigInt(rule.baseCents) + BigInt(rule.perKgCents) * BigInt(startedKg);
  if (cents > BigInt(MAX_CART_CENTS)) throw new PricingInputError(`shipping for ${weightGrams} g is more than ${MAX_CART_CENTS} cents`);
  return { cents: Number(cents), free: false };
}

function validateInput(input: PricingInput): void {
  const seen = new Set<string | number>();
  let subtotal = 0n;
  let weight = 0n;
  input.lines.forEach((line, i) => {
    if (!(typeof line.id === 'string' || Number.isFinite(line.id)) || seen.has(line.id)) {
      throw new PricingInputError(`lines[${i}].id must be a unique string or finite number`);
    }
    seen.add(line.id);
    checkInteger(`lines[${i}].unitPriceCents`, line.unitPriceCents, 0, MAX_INPUT_INTEGER);
    checkInteger(`lines[${i}].quantity`, line.quantity, 1, MAX_INPUT_INTEGER);
    if (line.weightGrams != null) checkInteger(`lines[${i}].weightGrams`, line.weightGrams, 0, MAX_INPUT_INTEGER);
    subtotal += BigInt(line.unitPriceCents) * BigInt(line.quantity);
    weight += BigInt(line.weightGrams ?? 0) * BigInt(line.quantity);
  });
  if (subtotal > BigInt(MAX_CART_CENTS)) throw new PricingInputError(`the cart subtotal is more than ${MAX_CART_CENTS} cents`);
  if (weight > BigInt(MAX_CART_CENTS)) throw new PricingInputError(`the cart weighs more than ${MAX_CART_CENTS} g`);
  if (input.coupon) validateCoupon(input.coupon);
  if (input.shipping) validateShipping(input.shipping);
  checkInteger('tax.rateBasisPoints', input.tax.rateBasisPoints, 0, 10_000);
}

function validateCoupon(coupon: CouponRule): void {
  checkInteger('coupon.minSubtotalCents', coupon.minSubtotalCents, 0, MAX_INPUT_INTEGER);
  if (coupon.kind === 'percent') checkInteger('coupon.percentBasisPoints', coupon.percentBasisPoints, 1, 10_000);
  else checkInteger('coupon.amountCents', coupon.amountCents, 1, MAX_INPUT_INTEGER);
}

function validateShipping(rule: ShippingRule): void {
  if (rule.freeOverCents !== null) checkInteger('shipping.freeOverCents', rule.freeOverCents, 0, MAX_INPUT_INTEGER);
  if (rule.kind === 'flat') {
    checkInteger('shipping.priceCents', rule.priceCents, 0, MAX_INPUT_INTEGER);
  } else {
    checkInteger('shipping.baseCents', rule.baseCents, 0, MAX_INPUT_INTEGER);
    checkInteger('shipping.perKgCents', rule.perKgCents, 0, MAX_INPUT_INTEGER);
  }
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PricingInputError(`${name} must be an integer from ${min} to ${max}, not ${String(value)}`);
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
