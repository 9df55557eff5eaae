import { z } from 'zod';
import type { Coupon } from '../db/schema-carts.js';
import { parseMajorUnits, toDecimalString } from '../lib/money.js';
import { normaliseCouponCode } from './coupons.js';

/**
 * The back office's coupon form, as pure parsing: the same rules checkout applies (see
 * coupons.ts and the coupons table's CHECKs), each refused with a message on its own field.
 * Whether products, categories and the code exist is the database's to say (coupon-admin.ts).
 */

export type CouponFormValues = Partial<Record<CouponField, string>>;
export type CouponField = 'code' | 'kind' | 'value' | 'min_subtotal' | 'starts_at' | 'ends_at' | 'usage_limit' | 'per_customer_limit' | 'products' | 'categories' | 'active';

export interface CouponDraft {
  code: string;
  kind: 'percent' | 'fixed';
  percentBasisPoints: number | null;
  amountCents: number | null;
  minSubtotalCents: number;
  startsAt: Date | null;
  endsAt: Date | null;
  usageLimit: number | null;
  perCustomerLimit: number | null;
  /** Product slugs or variant SKUs, and category slugs, as typed (a comma list). */
  productRefs: string[];
  categoryRefs: string[];
  active: boolean;
}

const MAX_LIMIT = 1_000_000_000;
const MAX_REFS = 200;

/** "12.5" → 1250 basis points; at most two decimals, never through a float. */
export function parsePercent(text: string): number | undefined {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 1250 → "12.5"; 1000 → "10". */
export function formatPercent(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  const fraction = String(basisPoints % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** A datetime-local value ("2026-12-01T09:30") or a date, read as UTC (the store keeps UTC). */
export function parseUtcDateTime(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
  // Date.UTC rolls 31 February over into March; such a date was not a date.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59) return undefined;
  return date;
}

export function formatUtcDateTime(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16) : '';
}

export function splitRefs(text: string): string[] {
  return [...new Set(text.split(',').map((part) => part.trim()).filter(Boolean))];
}

const optionalText = z.string().trim().max(10_000).optional().default('');
const optional = <T>(parse: (text: string) => T | undefined, message: string) =>
  optionalText.transform((text, ctx) => {
    if (text === '') return null;
    const value = parse(text);
    if (value === undefined) ctx.addIssue({ code: 'custom', message });
    return value ?? null;
  });
const positiveInt = (text: string) => (/^\d{1,10}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_LIMIT ? Number(text) : undefined);
const refs = (what: string) =>
  optionalText.transform((text, ctx) => {
    const list = splitRefs(text);
    if (list.length > MAX_REFS) ctx.addIssue({ code: 'custom', message: `At most ${MAX_REFS} ${what}.` });
    return list;
  });

const couponSchema = z.object({
  code: optionalText.transform((text, ctx) => {
    const code = normaliseCouponCode(text);
    if (!code) ctx.addIssue({ code: 'custom', message: 'Use 2 to 40 letters, digits, - or _, starting with a letter or digit.' });
    return code ?? '';
  }),
  kind: z.enum(['percent', 'fixed'], { message: 'Choose a percentage or a fixed amount.' }),
  value: optionalText,
  min_subtotal: optional(parseMajorUnits, 'Enter an amount like 25 or 25.00, or leave it empty.'),
  starts_at: optional(parseUtcDateTime, 'Enter a date and time like 2026-12-01 09:00.'),
  ends_at: optional(parseUtcDateTime, 'Enter a date and time like 2026-12-31 23:59.'),
  usage_limit: optional(positiveInt, 'Enter a whole number of 1 or more, or leave it empty for no limit.'),
  per_customer_limit: optional(positiveInt, 'Enter a whole number of 1 or more, or leave it empty for no limit.'),
  products: refs('products'),
  categories: refs('categories'),
  active: z.string().optional(),
});

/** Field name → the first thing wrong with it. */
export type CouponErrors = Partial<Record<string, string>>;

export type CouponFormResult = { ok: true; draft: CouponDraft } | { ok: false; errors: CouponErrors };

/**
 * Every field's problem at once: the value and the end date are judged beside the kind and the
 * start here, not in a zod refinement, which would not run while another field is wrong.
 */
export function parseCouponForm(fields: CouponFormValues): CouponFormResult {
  const parsed = couponSchema.safeParse(fields);
  const errors: CouponErrors = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const value = valueOf(fields.kind, fields.value ?? '');
  if (typeof value === 'string') errors.value ??= value;
  const startsAt = parseUtcDateTime(fields.starts_at ?? '');
  const endsAt = parseUtcDateTime(fields.ends_at ?? '');
  if (startsAt && endsAt && endsAt <= startsAt) errors.ends_at ??= 'The end must be after the start.';
  if (!parsed.success || typeof value === 'string' || Object.keys(errors).length) return { ok: false, errors };
  const form = parsed.data;
  return {
    ok: true,
    draft: {
      code: form.code,
      kind: form.kind,
      percentBasisPoints: form.kind === 'percent' ? value : null,
      amountCents: form.kind === 'fixed' ? value : null,
      minSubtotalCents: form.min_subtotal ?? 0,
      startsAt: form.starts_at,
      endsAt: form.ends_at,
      usageLimit: form.usage_limit,
      perCustomerLimit: form.per_customer_limit,
      productRefs: form.products,
      categoryRefs: form.categories,
      active: form.active !== undefined,
    },
  };
}

/** The discount in basis points or cents, or what is wrong with it (checkout's CHECKs: 0 < p ≤ 100 %, amount > 0). */
function valueOf(kind: string | undefined, text: string): number | string {
  if (kind === 'percent') {
    const points = parsePercent(text);
    return points !== undefined && points >= 1 && points <= 10_000 ? points : 'Enter a percentage above 0 and at most 100, like 15 or 12.5.';
  }
  if (kind === 'fixed') {
    const cents = parseMajorUnits(text);
    return cents !== undefined && cents >= 1 ? cents : 'Enter an amount above 0, like 5 or 4.99.';
  }
  return 'Choose the kind of discount first.';
}

/** A saved coupon as its edit form shows it; product and category references as slugs. */
export function couponFormValues(coupon: Coupon, refs: { products: string[]; categories: string[] }): CouponFormValues {
  return {
    code: coupon.code,
    kind: coupon.kind,
    value: coupon.kind === 'percent' ? formatPercent(coupon.percent_basis_points ?? 0) : toDecimalString(coupon.amount_cents ?? 0),
    min_subtotal: coupon.min_subtotal_cents ? toDecimalString(coupon.min_subtotal_cents) : '',
    starts_at: formatUtcDateTime(coupon.starts_at),
    ends_at: formatUtcDateTime(coupon.ends_at),
    usage_limit: coupon.usage_limit === null ? '' : String(coupon.usage_limit),
    per_customer_limit: coupon.per_customer_limit === null ? '' : String(coupon.per_customer_limit),
    products: refs.products.join(', '),
    categories: refs.categories.join(', '),
    ...(coupon.active ? { active: 'on' } : {}),
  };
}
