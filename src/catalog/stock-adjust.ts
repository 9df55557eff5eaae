import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';

/** Why staff changed stock by hand; the trigger on product_variants writes it into stock_movements. */
export const STOCK_REASONS = ['received', 'damaged', 'correction', 'returned', 'other'] as const;
export type StockReason = (typeof STOCK_REASONS)[number];

export interface StockAdjustment {
  variantId: number;
  /** `change`: add `quantity` (negative takes away); `count`: stock is now `quantity` (a stocktake). */
  mode: 'change' | 'count';
  quantity: number;
  reason: StockReason;
  note: string;
  actorId: number;
  ip: string | null;
}

export type AdjustResult =
  | { outcome: 'adjusted'; before: number; after: number }
  | { outcome: 'unchanged'; stock: number }
  | { outcome: 'below_zero'; stock: number }
  | { outcome: 'not_found' };

/**
 * Changes a variant's stock in one transaction: the movement (reason, note, who) is written by
 * the stock trigger from the transaction's settings, and the audit row beside it. A change is
 * one conditional UPDATE (`stock + delta >= 0`), so concurrent adjustments queue on the row and
 * each sees the stock the one before it left: none is lost and stock never goes below zero.
 */
export async function adjustStock(db: Db, input: StockAdjustment): Promise<AdjustResult> {
  return db.transaction().execute(async (trx) => {
    await sayWhy(trx, input);
    const result = input.mode === 'change' ? await applyChange(trx, input.variantId, input.quantity) : await applyCount(trx, input.variantId, input.quantity);
    if (result.outcome !== 'adjusted') return result;
    await recordAudit(trx, {
      action: 'stock.adjusted',
      actorUserId: input.actorId,
      ip: input.ip,
      entity: { type: 'variant', id: input.variantId },
      before: { stock: result.before },
      after: { stock: result.after },
      details: { reason: input.reason, note: input.note, change: result.after - result.before },
    });
    return result;
  });
}

/** The trigger reads these; `true` keeps them to this transaction. */
async function sayWhy(trx: DbOrTx, input: StockAdjustment): Promise<void> {
  await sql`SELECT set_config('hyperstore.stock_reason', ${input.reason}, true),
                   set_config('hyperstore.stock_note', ${input.note}, true),
                   set_config('hyperstore.actor_user_id', ${String(input.actorId)}, true)`.execute(trx);
}

async function applyChange(trx: DbOrTx, variantId: number, delta: number): Promise<AdjustResult> {
  const row = await trx
    .updateTable('product_variants')
    .set({ stock: sql`stock + ${delta}`, updated_at: new Date() })
    .where('id', '=', variantId)
    .where(sql<boolean>`stock + ${delta} >= 0`)
    .returning('stock')
    .executeTakeFirst();
  if (row) return { outcome: 'adjusted', before: row.stock - delta, after: row.stock };
  const current = await trx.selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirst();
  return current ? { outcome: 'below_zero', stock: current.stock } : { outcome: 'not_found' };
}

/** A count replaces the stock; the row is locked first so the recorded "before" is the one replaced. */
async function applyCount(trx: DbOrTx, variantId: number, counted: number): Promise<AdjustResult> {
  const current = await trx.selectFrom('product_variants').select('stock').where('id', '=', variantId).forUpdate().executeTakeFirst();
  if (!current) return { outcome: 'not_found' };
  if (current.stock === counted) return { outcome: 'unchanged', stock: counted };
  await trx.updateTable('product_variants').set({ stock: counted, updated_at: new Date() }).where('id', '=', variantId).execute();
  return { outcome: 'adjusted', before: current.stock, after: counted };
}

/** A variant's own low-stock threshold (null: the store's); audited; false when unknown or unchanged. */
export async function setVariantThreshold(db: Db, input: { variantId: number; threshold: number | null; actorId: number; ip: string | null }): Promise<'changed' | 'unchanged' | 'not_found'> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('product_variants').select('low_stock_threshold').where('id', '=', input.variantId).forUpdate().executeTakeFirst();
    if (!row) return 'not_found';
    if (row.low_stock_threshold === input.threshold) return 'unchanged';
    await trx.updateTable('product_variants').set({ low_stock_threshold: input.threshold }).where('id', '=', input.variantId).execute();
    await recordAudit(trx, {
      action: 'stock.threshold_changed',
      actorUserId: input.actorId,
      ip: input.ip,
      entity: { type: 'variant', id: input.variantId },
      before: { low_stock_threshold: row.low_stock_threshold },
      after: { low_stock_threshold: input.threshold },
    });
    return 'changed';
  });
}

const MAX_QUANTITY = 1_000_000;

export type AdjustFormValues = Partial<Record<'mode' | 'quantity' | 'reason' | 'note', string>>;
export type FormProblems = Partial<Record<string, string>>;

const adjustSchema = z.object({
  mode: z.enum(['change', 'count'], { message: 'Choose whether to add or take away, or to set the counted stock.' }),
  quantity: z.string().trim(),
  reason: z.enum(STOCK_REASONS, { message: 'Choose a reason.' }),
  note: z.string().trim().max(500, 'Keep the note under 500 characters.').default(''),
});

/**
 * The adjust form: a change is a whole number other than 0 ("+12", "-3"), a count a whole
 * number of 0 or more; both at most a million. "Other" needs a note to say what it was.
 */
export function parseAdjustForm(fields: AdjustFormValues): { ok: true; value: Pick<StockAdjustment, 'mode' | 'quantity' | 'reason' | 'note'> } | { ok: false; errors: FormProblems } {
  const parsed = adjustSchema.safeParse({ ...fields, note: fields.note ?? '' });
  const errors: FormProblems = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const text = (fields.quantity ?? '').trim().replace(/^\u2212/, '-');
  const mode = fields.mode;
  const quantity = /^[+-]?\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (mode === 'count' && (!/^\d{1,7}$/.test(text) || quantity > MAX_QUANTITY)) errors.quantity ??= 'Enter the counted stock as a whole number, 0 or more.';
  if (mode === 'change' && (Number.isNaN(quantity) || quantity === 0 || Math.abs(quantity) > MAX_QUANTITY)) errors.quantity ??= 'Enter a whole number other than 0, like 12 to add or -3 to take away.';
  if (mode === undefined && !text) errors.quantity ??= 'Enter a quantity.';
  if (parsed.success && parsed.data.reason === 'other' && !parsed.data.note) errors.note ??= 'Say what happened when the reason is “other”.';
  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { mode: parsed.data.mode, quantity, reason: parsed.data.reason, note: parsed.data.note } };
}

/** A threshold: empty means "the store's default"; otherwise a whole number from 0 to a million. */
export function parseThreshold(text: string | undefined, allowEmpty: boolean): { ok: true; value: number | null } | { ok: false; error: string } {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' && allowEmpty) return { ok: true, value: null };
  if (/^\d{1,7}$/.test(trimmed) && Number(trimmed) <= MAX_QUANTITY) return { ok: true, value: Number(trimmed) };
  return { ok: false, error: allowEmpty ? 'Enter a whole number, 0 or more, or leave it empty to use the store’s default.' : 'Enter a whole number, 0 or more.' };
}
