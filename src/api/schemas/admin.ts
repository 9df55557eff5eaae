import { z } from '@hono/zod-openapi';
import type { UserListRow } from '../../accounts/customer-admin.js';
import type { OrderListRow, StaffOrderDetail } from '../../orders/admin-orders.js';
import { STAFF_MOVES } from '../../orders/fulfilment.js';
import { orderStatuses } from '../../orders/status.js';
import type { TimelineEntry } from '../../orders/timeline.js';

/**
 * The staff tools' JSON shapes. Filters and paging mirror the back office's lists
 * (src/orders/order-forms.ts, src/accounts/customer-admin.ts); field names are camelCase.
 */

const iso = (date: Date | string) => new Date(date).toISOString();
const isoOrNull = (date: Date | string | null) => (date === null ? null : iso(date));

/** Integer minor units beside an ISO 4217 code: 1999 USD is $19.99. */
const Money = z.object({ amount: z.number().int(), currency: z.string().length(3) });
const money = (amount: number, currency: string) => ({ amount, currency });

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1).openapi({ description: 'From 1.', example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Items per page, at most 100.', example: 20 }),
});

/** The list envelope every paged answer uses: `{ items, page, limit, total, totalPages }`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int(), limit: z.number().int(), total: z.number().int(), totalPages: z.number().int() });
}

export function pageJson<T>(items: T[], page: number, limit: number, total: number) {
  return { items, page, limit, total, totalPages: Math.max(1, Math.ceil(total / limit)) };
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Give a date as YYYY-MM-DD.');

export const AdminOrderQuery = PageQuery.extend({
  q: z.string().max(200).optional().openapi({ description: 'Part of the order number or of the buyer’s e-mail, any case.' }),
  status: z.enum(orderStatuses).optional(),
  from: day.optional().openapi({ description: 'Placed on or after this UTC day (YYYY-MM-DD).' }),
  to: day.optional().openapi({ description: 'Placed on or before this UTC day, the whole day included.' }),
  flagged: z.enum(['true', 'false']).optional().openapi({ description: 'true: only orders flagged for review (a payment mismatch, a dispute).' }),
});

export const OrderNumberParam = z.object({
  number: z
    .string()
    .regex(/^HS-[0-9A-Z]{8}$/, 'An order number looks like HS-7K2M9QXA.')
    .openapi({ param: { name: 'number', in: 'path' }, example: 'HS-7K2M9QXA' }),
});

export const UserIdParam = z.object({
  id: z.coerce
    .number({ error: 'A user id is a positive whole number.' })
    .int('A user id is a positive whole number.')
    .positive('A user id is a positive whole number.')
    .max(2_147_483_647)
    .openapi({ param: { name: 'id', in: 'path' }, example: 42 }),
});

export const AdminOrder = z
  .object({
    number: z.string(),
    status: z.enum(orderStatuses),
    placedAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
    email: z.string(),
    total: Money,
    refunded: Money,
    units: z.number().int(),
    needsReview: z.string().nullable().openapi({ description: 'Why the order is flagged for review, or null.' }),
  })
  .openapi('AdminOrder');

export function adminOrderJson(row: OrderListRow): z.infer<typeof AdminOrder> {
  return {
    number: row.number,
    status: row.status,
    placedAt: iso(row.placed_at),
    paidAt: isoOrNull(row.paid_at),
    email: row.email,
    total: money(row.total_cents, row.currency),
    refunded: money(row.refunded_cents, row.currency),
    units: row.units,
    needsReview: row.needs_review,
  };
}

const OrderItem = z.object({
  sku: z.string(),
  productSlug: z.string(),
  productName: z.string(),
  options: z.record(z.string(), z.string()),
  unitPrice: Money,
  quantity: z.number().int(),
  discount: Money,
  tax: Money,
  total: Money,
});

const TimelineItem = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('status'), at: z.iso.datetime(), from: z.enum(orderStatuses).nullable(), to: z.enum(orderStatuses), actor: z.enum(['customer', 'staff', 'system', 'provider']), who: z.string().nullable(), note: z.string() }),
    z.object({ kind: z.literal('refund'), at: z.iso.datetime(), sequence: z.number().int(), amount: Money, status: z.enum(['pending', 'succeeded', 'failed']), reason: z.string(), restock: z.boolean(), who: z.string().nullable() }),
    z.object({ kind: z.literal('note'), at: z.iso.datetime(), body: z.string(), who: z.string().nullable() }),
    z.object({ kind: z.literal('return'), at: z.iso.datetime(), requestId: z.number().int(), step: z.enum(['requested', 'approved', 'rejected']), reason: z.string(), who: z.string().nullable() }),
  ])
  .openapi('AdminOrderTimelineEntry');

export const AdminOrderDetail = AdminOrder.extend({
  subtotal: Money,
  discount: Money,
  shipping: Money,
  tax: Money,
  couponCode: z.string().nullable(),
  shippingMethod: z.object({ code: z.string(), name: z.string() }),
  shippingAddress: z.object({ fullName: z.string(), addressLine1: z.string(), addressLine2: z.string(), city: z.string(), state: z.string(), postalCode: z.string(), country: z.string(), phone: z.string() }),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  shippedAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  customer: z.object({ id: z.number().int(), email: z.string(), firstName: z.string(), lastName: z.string() }).nullable().openapi({ description: 'The buyer’s account; null for a guest order.' }),
  items: z.array(OrderItem),
  timeline: z.array(TimelineItem).openapi({ description: 'Status changes, refunds, staff notes and return requests, oldest first.' }),
}).openapi('AdminOrderDetail');

function timelineJson(entry: TimelineEntry, currency: string): z.infer<typeof TimelineItem> {
  const at = iso(entry.at);
  switch (entry.kind) {
    case 'status':
      return { kind: 'status', at, from: entry.from, to: entry.to, actor: entry.actor, who: entry.who, note: entry.note };
    case 'refund':
      return { kind: 'refund', at, sequence: entry.sequence, amount: money(entry.amountCents, currency), status: entry.status, reason: entry.reason, restock: entry.restock, who: entry.who };
    case 'note':
      return { kind: 'note', at, body: entry.body, who: entry.who };
    case 'return':
      return { kind: 'return', at, requestId: entry.requestId, step: entry.step, reason: entry.reason, who: entry.who };
  }
}

export function adminOrderDetailJson(detail: StaffOrderDetail): z.infer<typeof AdminOrderDetail> {
  const { order, items, customer } = detail;
  const cur = order.currency;
  const units = items.reduce((sum, item) => sum + item.quantity, 0);
  return {
    ...adminOrderJson({ ...order, units }),
    subtotal: money(order.subtotal_cents, cur),
    discount: money(order.discount_cents, cur),
    shipping: money(order.shipping_cents, cur),
    tax: money(order.tax_cents, cur),
    couponCode: order.coupon_code,
    shippingMethod: { code: order.shipping_method_code, name: order.shipping_method_name },
    shippingAddress: { fullName: order.full_name, addressLine1: order.address_line1, addressLine2: order.address_line2, city: order.city, state: order.state, postalCode: order.postal_code, country: order.country, phone: order.phone },
    carrier: order.carrier,
    trackingNumber: order.tracking_number,
    shippedAt: isoOrNull(order.shipped_at),
    deliveredAt: isoOrNull(order.delivered_at),
    customer: customer ? { id: customer.id, email: customer.email, firstName: customer.first_name, lastName: customer.last_name } : null,
    items: items.map((item) => ({
      sku: item.sku,
      productSlug: item.product_slug,
      productName: item.product_name,
      options: item.options,
      unitPrice: money(item.unit_price_cents, cur),
      quantity: item.quantity,
      discount: money(item.discount_cents, cur),
      tax: money(item.tax_cents, cur),
      total: money(item.total_cents, cur),
    })),
    timeline: detail.timeline.map((entry) => timelineJson(entry, cur)),
  };
}

/** The moves staff make; refunds are not part of this API yet. Shipping needs both carrier fields. */
export const OrderStatusInput = z
  .strictObject({
    status: z.enum(STAFF_MOVES),
    carrier: z.string().max(60).optional().openapi({ description: 'Required to ship, such as UPS or DHL.' }),
    trackingNumber: z.string().max(100).optional().openapi({ description: 'Required to ship: letters, digits, spaces, dots, dashes and slashes.' }),
  })
  .openapi('OrderStatusInput');

export const AdminUserQuery = PageQuery.extend({
  q: z.string().max(200).optional().openapi({ description: 'Part of the name or e-mail, any case.' }),
  role: z.enum(['customer', 'admin']).optional(),
  status: z.enum(['active', 'inactive']).optional(),
});

type AccountRow = Pick<UserListRow, 'id' | 'email' | 'first_name' | 'last_name' | 'role' | 'active' | 'created_at'>;

/** An account as staff see it: never its password hash or second-factor key. */
export const AdminUserAccount = z
  .object({
    id: z.number().int(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    role: z.enum(['customer', 'admin']),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi('AdminUserAccount');

export function adminUserAccountJson(row: AccountRow): z.infer<typeof AdminUserAccount> {
  return { id: row.id, email: row.email, firstName: row.first_name, lastName: row.last_name, role: row.role, active: row.active, createdAt: iso(row.created_at) };
}

export const AdminUser = AdminUserAccount.extend({ orders: z.number().int().openapi({ description: 'How many orders the account has placed.' }) }).openapi('AdminUser');

export function adminUserJson(row: UserListRow): z.infer<typeof AdminUser> {
  return { ...adminUserAccountJson(row), orders: row.orders };
}

export const UserStatusInput = z.strictObject({ active: z.boolean().openapi({ description: 'false deactivates the account and ends its sessions and API tokens.' }) }).openapi('UserStatusInput');
