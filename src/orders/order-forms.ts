import { z } from 'zod';
import { parseMajorUnits } from '../lib/money.js';
import { STAFF_MOVES } from './fulfilment.js';
import { isOrderStatus, type OrderStatus } from './status.js';

/**
 * What the back office's order forms accept. Explicit fields only; text with control
 * characters (NUL, line breaks in one-line fields) or U+FFFD (invalid UTF-8) is refused.
 */
const oneLine = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `The ${label} can be at most ${max} characters.`)
    .refine((value) => !/[\p{Cc}\uFFFD]/u.test(value), `The ${label} contains characters that cannot be accepted.`);

export const statusForm = z
  .object({
    status: z.enum(STAFF_MOVES, { error: 'Choose processing, shipped, delivered or cancelled (refunds have their own form).' }),
    carrier: oneLine('carrier', 60).default(''),
    tracking_number: oneLine('tracking number', 100)
      .refine((value) => /^[A-Za-z0-9 ./-]*$/.test(value), 'A tracking number has letters, digits, spaces, dots, dashes and slashes only.')
      .default(''),
  })
  .superRefine((form, ctx) => {
    if (form.status !== 'shipped') return;
    if (!form.carrier) ctx.addIssue({ code: 'custom', path: ['carrier'], message: 'Enter the carrier, such as UPS or DHL.' });
    if (!form.tracking_number) ctx.addIssue({ code: 'custom', path: ['tracking_number'], message: 'Enter the tracking number the carrier gave.' });
  });

export const refundForm = z.object({
  amount: z
    .string({ error: 'Enter the amount to refund, such as 12.50.' })
    .transform((text, ctx) => {
      const cents = parseMajorUnits(text);
      if (cents === undefined || cents <= 0) {
        ctx.addIssue({ code: 'custom', message: 'Enter an amount above zero with at most two decimals, such as 12.50.' });
        return z.NEVER;
      }
      return cents;
    }),
  reason: oneLine('reason', 500).default(''),
  restock: z.literal('1').optional(),
  sequence: z
    .string()
    .regex(/^[1-9][0-9]{0,5}$/, 'This form is damaged; open the order again.')
    .transform(Number)
    .optional(),
});

export const noteForm = z.object({
  body: z
    .string({ error: 'Write the note.' })
    .trim()
    .min(1, 'Write the note.')
    .max(5000, 'A note can be at most 5,000 characters.')
    // Line breaks and tabs are welcome in a note; other control characters are not.
    .refine((value) => !/[\p{Cc}\uFFFD]/u.test(value.replace(/[\t\n\r]/g, '')), 'The note contains characters that cannot be accepted.'),
});

export const returnDecisionForm = z.object({ decision: z.enum(['approved', 'rejected'], { error: 'Choose approved or rejected.' }) });

const day = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (text: string) => day.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

export interface OrderFilterInput {
  q: string;
  status: string;
  from: string;
  to: string;
  flagged: boolean;
}

/**
 * The list's filters from its query string. A value that cannot be read is reported for its
 * field and left out, so the list still shows with the others applied.
 */
export function readOrderFilters(query: Record<string, string | undefined>): {
  values: OrderFilterInput;
  applied: { q?: string; status?: OrderStatus; from?: string; to?: string; flagged: boolean };
  errors: Record<string, string>;
} {
  const text = (name: string, max = 200) => (query[name] ?? '').trim().slice(0, max);
  const values = { q: text('q'), status: text('status', 40), from: text('from', 10), to: text('to', 10), flagged: query.flagged === '1' };
  const errors: Record<string, string> = {};
  if (values.status && !isOrderStatus(values.status)) errors.status = 'That is not an order status; showing every status.';
  if (values.from && !isDay(values.from)) errors.from = 'Give the first day as a date (YYYY-MM-DD).';
  if (values.to && !isDay(values.to)) errors.to = 'Give the last day as a date (YYYY-MM-DD).';
  if (!errors.from && !errors.to && values.from && values.to && values.from > values.to) errors.to = 'The last day comes before the first; showing from the first day on.';
  const applied = {
    flagged: values.flagged,
    ...(values.q && !/[\p{Cc}\uFFFD]/u.test(values.q) ? { q: values.q } : {}),
    ...(values.status && !errors.status ? { status: values.status as OrderStatus } : {}),
    ...(values.from && !errors.from ? { from: values.from } : {}),
    ...(values.to && !errors.to ? { to: values.to } : {}),
  };
  return { values, applied, errors };
}
