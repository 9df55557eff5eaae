import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { OrderStatus } from '../orders/status.js';
import type { VariantOptions } from './schema.js';

/** Order tables, matching migrations/20261124200000_create_orders.ts column for column. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrdersTable {
  id: Generated<number>;
  number: string;
  user_id: number | null;
  cart_id: number | null;
  email: string;
  status: ColumnType<OrderStatus, OrderStatus | undefined, OrderStatus>;
  currency: string;
  subtotal_cents: number;
  discount_cents: Generated<number>;
  shipping_cents: Generated<number>;
  tax_cents: Generated<number>;
  total_cents: number;
  refunded_cents: Generated<number>;
  prices_include_tax: Generated<boolean>;
  coupon_code: string | null;
  shipping_method_code: string;
  shipping_method_name: string;
  full_name: string;
  address_line1: string;
  address_line2: Generated<string>;
  city: string;
  state: Generated<string>;
  postal_code: string;
  country: string;
  phone: Generated<string>;
  /** The shopper asked for shipping updates by SMS to `phone` (migrations/20261126100000_add_sms_updates.ts). */
  sms_updates: Generated<boolean>;
  payment_provider: string;
  payment_id: string | null;
  needs_review: string | null;
  tracking_number: string | null;
  carrier: string | null;
  shipped_at: Date | null;
  delivered_at: Date | null;
  placed_at: CreatedAt;
  paid_at: Date | null;
  expires_at: Date | null;
  updated_at: UpdatedAt;
}

export interface OrderItemsTable {
  id: Generated<number>;
  order_id: number;
  variant_id: number | null;
  product_slug: string;
  product_name: string;
  sku: string;
  options: ColumnType<VariantOptions, string, string>;
  unit_price_cents: number;
  quantity: number;
  discount_cents: Generated<number>;
  tax_cents: Generated<number>;
  total_cents: number;
}

export interface OrderEventsTable {
  id: Generated<number>;
  order_id: number;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  actor: 'customer' | 'staff' | 'system' | 'provider';
  actor_user_id: number | null;
  note: Generated<string>;
  occurred_at: CreatedAt;
}

export interface PaymentEventsTable {
  event_id: string;
  order_id: number | null;
  type: string;
  received_at: CreatedAt;
}

export interface ReturnRequestsTable {
  id: Generated<number>;
  order_id: number;
  status: ColumnType<'requested' | 'approved' | 'rejected', 'requested' | 'approved' | 'rejected' | undefined, 'requested' | 'approved' | 'rejected'>;
  reason: string;
  items: ColumnType<{ order_item_id: number; quantity: number }[], string, string>;
  requested_at: CreatedAt;
  decided_at: Date | null;
  decided_by: number | null;
}

export interface OrderNotesTable {
  id: Generated<number>;
  order_id: number;
  author_user_id: number | null;
  body: string;
  created_at: CreatedAt;
}

export interface OrderRefundsTable {
  id: Generated<number>;
  order_id: number;
  /** 1, 2, … per order: the provider's idempotency key is order-<number>-refund-<sequence>. */
  sequence: number;
  amount_cents: number;
  status: 'pending' | 'succeeded' | 'failed';
  provider_refund_id: string | null;
  reason: Generated<string>;
  restock: Generated<boolean>;
  actor_user_id: number | null;
  created_at: CreatedAt;
}

export interface OrdersTables {
  order_notes: OrderNotesTable;
  order_refunds: OrderRefundsTable;
  return_requests: ReturnRequestsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_events: OrderEventsTable;
  payment_events: PaymentEventsTable;
}

export type Order = Selectable<OrdersTable>;
export type NewOrder = Insertable<OrdersTable>;
