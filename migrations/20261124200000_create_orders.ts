import { sql, type Kysely } from 'kysely';

/**
 * Orders: what was bought (items keep the name, SKU, options and prices they were bought at),
 * where it goes, what it cost, every change of status with who and when, and the payment
 * events already processed (each provider event id once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('number', 'text', (col) => col.notNull().unique())
    .addColumn('user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    // The cart it came from: at most one order awaiting payment per cart (see the index below).
    .addColumn('cart_id', 'integer', (col) => col.references('carts.id').onDelete('set null'))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('pending').check(sql`status IN ('pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded', 'partially_refunded')`),
    )
    .addColumn('currency', 'text', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('subtotal_cents', 'integer', (col) => col.notNull().check(sql`subtotal_cents >= 0`))
    .addColumn('discount_cents', 'integer', (col) => col.notNull().defaultTo(0).check(sql`discount_cents >= 0`))
    .addColumn('shipping_cents', 'integer', (col) => col.notNull().defaultTo(0).check(sql`shipping_cents >= 0`))
    .addColumn('tax_cents', 'integer', (col) => col.notNull().defaultTo(0).check(sql`tax_cents >= 0`))
    .addColumn('total_cents', 'integer', (col) => col.notNull().check(sql`total_cents >= 0`))
    .addColumn('refunded_cents', 'integer', (col) => col.notNull().defaultTo(0).check(sql`refunded_cents >= 0 AND refunded_cents <= total_cents`))
    .addColumn('prices_include_tax', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('coupon_code', 'text')
    .addColumn('shipping_method_code', 'text', (col) => col.notNull())
    .addColumn('shipping_method_name', 'text', (col) => col.notNull())
    .addColumn('full_name', 'text', (col) => col.notNull())
    .addColumn('address_line1', 'text', (col) => col.notNull())
    .addColumn('address_line2', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('city', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('postal_code', 'text', (col) => col.notNull())
    .addColumn('country', 'text', (col) => col.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn('phone', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('payment_provider', 'text', (col) => col.notNull())
    .addColumn('payment_id', 'text')
    // Set when something needs a person: a dispute, an amount that does not match.
    .addColumn('needs_review', 'text')
    .addColumn('tracking_number', 'text')
    .addColumn('placed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('paid_at', 'timestamptz')
    // An unpaid order's stock returns after this (the expiry job).
    .addColumn('expires_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('orders_total_adds_up', sql`total_cents = subtotal_cents - discount_cents + shipping_cents + CASE WHEN prices_include_tax THEN 0 ELSE tax_cents END`)
    .execute();
  await sql`CREATE UNIQUE INDEX orders_one_pending_per_cart ON orders (cart_id) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX orders_user_idx ON orders (user_id, placed_at DESC)`.execute(db);
  await sql`CREATE INDEX orders_expiring_idx ON orders (expires_at) WHERE status = 'pending'`.execute(db);
  await sql`CREATE UNIQUE INDEX orders_payment_idx ON orders (payment_provider, payment_id) WHERE payment_id IS NOT NULL`.execute(db);

  await db.schema
    .createTable('order_items')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('variant_id', 'integer', (col) => col.references('product_variants.id').onDelete('set null'))
    .addColumn('product_slug', 'text', (col) => col.notNull())
    .addColumn('product_name', 'text', (col) => col.notNull())
    .addColumn('sku', 'text', (col) => col.notNull())
    .addColumn('options', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('unit_price_cents', 'integer', (col) => col.notNull().check(sql`unit_price_cents >= 0`))
    .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity > 0`))
    .addColumn('discount_cents', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('tax_cents', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('total_cents', 'integer', (col) => col.notNull())
    .execute();
  await sql`CREATE INDEX order_items_order_idx ON order_items (order_id)`.execute(db);

  await db.schema
    .createTable('order_events')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull().check(sql`actor IN ('customer', 'staff', 'system', 'provider')`))
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('note', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX order_events_order_idx ON order_events (order_id, occurred_at)`.execute(db);

  await db.schema
    .createTable('payment_events')
    .addColumn('event_id', 'text', (col) => col.primaryKey())
    .addColumn('order_id', 'integer', (col) => col.references('orders.id').onDelete('set null'))
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.alterTable('coupon_redemptions').addColumn('order_id', 'integer', (col) => col.references('orders.id').onDelete('cascade')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('coupon_redemptions').dropColumn('order_id').execute();
  for (const table of ['payment_events', 'order_events', 'order_items', 'orders']) await db.schema.dropTable(table).execute();
}
