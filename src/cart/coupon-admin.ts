import { sql, type ExpressionBuilder } from 'kysely';
import { changedFields, recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Coupon } from '../db/schema-carts.js';
import type { CouponDraft, CouponErrors } from './coupon-form.js';

/** Staff's coupon commands and reads: list with usage, create, edit, expire; each audited. */

export type CouponState = 'active' | 'scheduled' | 'expired' | 'used_up';

/** What checkout would say of the coupon now (coupons.ts couponProblem), as one word for the list. */
export function couponState(coupon: Pick<Coupon, 'active' | 'starts_at' | 'ends_at' | 'usage_limit'>, uses: number, now: Date): CouponState {
  if (!coupon.active || (coupon.ends_at && coupon.ends_at <= now)) return 'expired';
  if (coupon.starts_at && coupon.starts_at > now) return 'scheduled';
  if (coupon.usage_limit !== null && uses >= coupon.usage_limit) return 'used_up';
  return 'active';
}

export interface CouponListItem {
  coupon: Coupon;
  /** Uses by orders that were not cancelled (a cancelled order gives its use back). */
  uses: number;
  /** Distinct customers (by e-mail) among those uses. */
  customers: number;
  state: CouponState;
}

/** Redemptions that count: those of an order that stands (or of no order at all). */
function countedRedemptions(eb: ExpressionBuilder<Database, 'coupons'>) {
  return eb
    .selectFrom('coupon_redemptions as r')
    .leftJoin('orders as o', 'o.id', 'r.order_id')
    .whereRef('r.coupon_id', '=', 'coupons.id')
    .where(sql<boolean>`o.status IS DISTINCT FROM 'cancelled'`);
}

export async function listCoupons(db: DbOrTx, query: { q: string; offset: number; limit: number; now: Date }): Promise<{ items: CouponListItem[]; total: number }> {
  let base = db.selectFrom('coupons');
  if (query.q) base = base.where('code', 'like', `%${query.q.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const [rows, count] = await Promise.all([
    base
      .selectAll('coupons')
      .select((eb) => [
        countedRedemptions(eb).select(sql<number>`count(*)`.as('n')).as('uses'),
        countedRedemptions(eb).select(sql<number>`count(DISTINCT lower(r.email))`.as('n')).as('customers'),
      ])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.total),
    items: rows.map(({ uses, customers, ...coupon }) => ({ coupon, uses: Number(uses), customers: Number(customers), state: couponState(coupon, Number(uses), query.now) })),
  };
}

export interface CouponDetail extends CouponListItem {
  products: string[];
  categories: string[];
  /** The customers who used it most, by e-mail. */
  byCustomer: { email: string; uses: number }[];
}

export async function findCouponDetail(db: DbOrTx, id: number, now: Date): Promise<CouponDetail | undefined> {
  const coupon = await db.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirst();
  if (!coupon) return undefined;
  const usage = db
    .selectFrom('coupon_redemptions as r')
    .leftJoin('orders as o', 'o.id', 'r.order_id')
    .where('r.coupon_id', '=', id)
    .where(sql<boolean>`o.status IS DISTINCT FROM 'cancelled'`);
  const [byCustomer, products, categories] = await Promise.all([
    usage.select([sql<string>`lower(r.email)`.as('email'), sql<number>`count(*)`.as('uses')]).groupBy(sql`lower(r.email)`).orderBy(sql`count(*)`, 'desc').orderBy(sql`lower(r.email)`).execute(),
    coupon.product_ids?.length ? db.selectFrom('products').select('slug').where('id', 'in', coupon.product_ids).orderBy('slug').execute() : [],
    coupon.category_ids?.length ? db.selectFrom('categories').select('slug').where('id', 'in', coupon.category_ids).orderBy('slug').execute() : [],
  ]);
  const uses = byCustomer.reduce((sum, row) => sum + Number(row.uses), 0);
  return {
    coupon,
    uses,
    customers: byCustomer.length,
    state: couponState(coupon, uses, now),
    products: products.map((row) => row.slug),
    categories: categories.map((row) => row.slug),
    byCustomer: byCustomer.slice(0, 20).map((row) => ({ email: row.email, uses: Number(row.uses) })),
  };
}

/** Product slugs or variant SKUs to product ids, and category slugs to ids; the unknown ones named. */
async function resolveRefs(db: DbOrTx, draft: CouponDraft): Promise<{ productIds: number[] | null; categoryIds: number[] | null; errors: CouponErrors }> {
  const errors: CouponErrors = {};
  const lower = (list: string[]) => list.map((ref) => ref.toLowerCase());
  const [bySlug, bySku, categories] = await Promise.all([
    draft.productRefs.length ? db.selectFrom('products').select(['id', 'slug']).where('slug', 'in', lower(draft.productRefs)).execute() : [],
    draft.productRefs.length ? db.selectFrom('product_variants').select(['product_id', 'sku']).where('sku', 'in', draft.productRefs).execute() : [],
    draft.categoryRefs.length ? db.selectFrom('categories').select(['id', 'slug']).where('slug', 'in', lower(draft.categoryRefs)).execute() : [],
  ]);
  const slugs = new Set(bySlug.map((row) => row.slug));
  const skus = new Set(bySku.map((row) => row.sku));
  const unknownProducts = draft.productRefs.filter((ref) => !slugs.has(ref.toLowerCase()) && !skus.has(ref));
  if (unknownProducts.length) errors.products = `No product has the slug or SKU ${unknownProducts.join(', ')}.`;
  const categorySlugs = new Set(categories.map((row) => row.slug));
  const unknownCategories = draft.categoryRefs.filter((ref) => !categorySlugs.has(ref.toLowerCase()));
  if (unknownCategories.length) errors.categories = `No category has the slug ${unknownCategories.join(', ')}.`;
  const productIds = [...new Set([...bySlug.map((row) => row.id), ...bySku.map((row) => row.product_id)])].sort((a, b) => a - b);
  const categoryIds = categories.map((row) => row.id).sort((a, b) => a - b);
  return { productIds: productIds.length ? productIds : null, categoryIds: categoryIds.length ? categoryIds : null, errors };
}

/** The coupon's columns from a draft; the audit trail records them the same way. */
function columnsOf(draft: CouponDraft, refs: { productIds: number[] | null; categoryIds: number[] | null }) {
  return {
    kind: draft.kind,
    percent_basis_points: draft.percentBasisPoints,
    amount_cents: draft.amountCents,
    min_subtotal_cents: draft.minSubtotalCents,
    starts_at: draft.startsAt,
    ends_at: draft.endsAt,
    usage_limit: draft.usageLimit,
    per_customer_limit: draft.perCustomerLimit,
    product_ids: refs.productIds,
    category_ids: refs.categoryIds,
    active: draft.active,
  };
}

/** Dates as ISO text, so the audit's before and after compare and read the same. */
function auditable(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]));
}

export interface StaffAct {
  actorId: number;
  ip: string | null;
}

export type CouponSaveResult = { ok: true; id: number } | { ok: false; errors: CouponErrors };

const uniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
const duplicateCode = (code: string): CouponErrors => ({ code: `There is already a coupon ${code}. Codes are matched whatever their case, so choose another.` });

export async function createCoupon(db: Db, draft: CouponDraft, actor: StaffAct): Promise<CouponSaveResult> {
  const refs = await resolveRefs(db, draft);
  const taken = await db.selectFrom('coupons').select('id').where('code', '=', draft.code).executeTakeFirst();
  const errors = { ...refs.errors, ...(taken ? duplicateCode(draft.code) : {}) };
  if (Object.keys(errors).length) return { ok: false, errors };
  try {
    return await db.transaction().execute(async (trx) => {
      const columns = { code: draft.code, ...columnsOf(draft, refs) };
      const row = await trx.insertInto('coupons').values(columns).returning('id').executeTakeFirstOrThrow();
      await recordAudit(trx, { action: 'coupon.created', actorUserId: actor.actorId, ip: actor.ip, entity: { type: 'coupon', id: row.id }, after: auditable(columns) });
      return { ok: true as const, id: row.id };
    });
  } catch (error) {
    // The same code created by someone else between the check and the insert.
    if (uniqueViolation(error)) return { ok: false, errors: duplicateCode(draft.code) };
    throw error;
  }
}

/**
 * Saves an edit. The code stays as it was: carts hold coupons by code, and renaming one would
 * silently drop it from every cart that has it.
 */
export async function updateCoupon(db: Db, id: number, draft: CouponDraft, actor: StaffAct): Promise<CouponSaveResult | undefined> {
  const refs = await resolveRefs(db, draft);
  if (Object.keys(refs.errors).length) return { ok: false, errors: refs.errors };
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('coupons').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) return undefined;
    const columns = columnsOf(draft, refs);
    const { before, after } = changedFields(auditable(current), auditable(columns));
    if (Object.keys(after).length === 0) return { ok: true as const, id };
    await trx.updateTable('coupons').set(columns).where('id', '=', id).execute();
    await recordAudit(trx, { action: 'coupon.updated', actorUserId: actor.actorId, ip: actor.ip, entity: { type: 'coupon', id }, before, after });
    return { ok: true as const, id };
  });
}

/**
 * Ends a coupon now: inactive (checkout refuses it at once, carts holding it included), and
 * its end moved to now where the dates allow it, so the list and the audit say when.
 */
export async function expireCoupon(db: Db, id: number, actor: StaffAct, now: Date): Promise<'expired' | 'already' | 'not_found'> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('coupons').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) return 'not_found';
    if (!current.active) return 'already';
    const endsNow = (current.ends_at === null || current.ends_at > now) && (current.starts_at === null || current.starts_at < now);
    const next = { active: false, ends_at: endsNow ? now : current.ends_at };
    await trx.updateTable('coupons').set(next).where('id', '=', id).execute();
    const { before, after } = changedFields(auditable(current), auditable(next));
    await recordAudit(trx, { action: 'coupon.expired', actorUserId: actor.actorId, ip: actor.ip, entity: { type: 'coupon', id }, before, after });
    return 'expired';
  });
}
