import { z } from 'zod';
import { MAX_LINE_QUANTITY, quantityMessage } from './carts.js';

/**
 * What cart forms accept: ids and whole quantities as plain digits, nothing else. Any price,
 * total or discount a browser sends is not read at all: prices come from the database.
 */
const wholeNumber = (message: string, min: number, max: number) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d{1,10}$/, message)
    .transform(Number)
    .refine((value) => value >= min && value <= max, message);

export const quantityField = (min: 0 | 1) =>
  wholeNumber(quantityMessage(min), min, MAX_LINE_QUANTITY);

export const idField = wholeNumber('That item does not exist.', 1, 2_147_483_647);

export const addToCartForm = z.object({ variant_id: idField, quantity: quantityField(1).default(1) });
export const setQuantityForm = z.object({ quantity: quantityField(0) });
export const couponForm = z.object({ code: z.string({ error: 'Enter a coupon code.' }).max(100, 'That is not a coupon code.') });

/** A line id from the path: a positive 32-bit integer, or undefined (answered as "not in your cart"). */
export function parseLineId(raw: string): number | undefined {
  const parsed = idField.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
