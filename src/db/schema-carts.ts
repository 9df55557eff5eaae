import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Cart and pricing tables, matching migrations/20261123300000_create_carts.ts column for column. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CartsTable {
  id: Generated<number>;
  user_id: number | null;
  coupon_code: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  reminded_at: Date | null;
}

export interface CartLinesTable {
  id: Generated<number>;
  cart_id: number;
  variant_id: number;
  quantity: number;
  unit_price_cents_at_add: number;
  saved_for_later: Generated<boolean>;
  added_at: CreatedAt;
}

export interface CouponsTable {
  id: Generated<number>;
  code: string;
  kind: 'percent' | 'fixed';
  percent_basis_points: number | null;
  amount_cents: number | null;
  min_subtotal_cents: Generated<number>;
  starts_at: Date | null;
  ends_at: Date | null;
  usage_limit: number | null;
  per_customer_limit: number | null;
  product_ids: number[] | null;
  category_ids: number[] | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface CouponRedemptionsTable {
  id: Generated<number>;
  coupon_id: number;
  /** Added by migrations/20261124200000_create_orders.ts: the order that used it. */
  order_id: number | null;
  user_id: number | null;
  email: string;
  redeemed_at: CreatedAt;
}

export interface ShippingZonesTable {
  id: Generated<number>;
  name: string;
  countries: string[];
  position: Generated<number>;
}

export interface ShippingMethodsTable {
  id: Generated<number>;
  zone_id: number;
  code: string;
  name: string;
  kind: 'flat' | 'weight';
  price_cents: Generated<number>;
  per_kg_cents: Generated<number>;
  free_over_cents: number | null;
  active: Generated<boolean>;
  position: Generated<number>;
}

export interface TaxRatesTable {
  id: Generated<number>;
  country: string;
  region: Generated<string>;
  name: string;
  rate_basis_points: number;
}

export interface CartsTables {
  carts: CartsTable;
  cart_lines: CartLinesTable;
  coupons: CouponsTable;
  coupon_redemptions: CouponRedemptionsTable;
  shipping_zones: ShippingZonesTable;
  shipping_methods: ShippingMethodsTable;
  tax_rates: TaxRatesTable;
}

export type Coupon = Selectable<CouponsTable>;
export type ShippingMethod = Selectable<ShippingMethodsTable>;
export type NewCoupon = Insertable<CouponsTable>;
