import { sql, type Kysely } from 'kysely';

/**
 * Carts and what prices them: coupons, shipping methods by country zone, and tax rates by
 * country and region. Postgres is the truth for carts (the store may cache them); a line keeps
 * the price it had when added beside the live one, so the cart can say when a price changed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('carts')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    // A member's cart; a guest's cart has none and is found through their session.
    .addColumn('user_id', 'integer', (col) => col.unique().references('users.id').onDelete('cascade'))
    .addColumn('coupon_code', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // When the abandoned-cart message went out for the cart as it is now (reset by any change).
    .addColumn('reminded_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX carts_idle_members_idx ON carts (updated_at) WHERE user_id IS NOT NULL AND reminded_at IS NULL`.execute(db);

  await db.schema
    .createTable('cart_lines')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('cart_id', 'integer', (col) => col.notNull().references('carts.id').onDelete('cascade'))
    .addColumn('variant_id', 'integer', (col) => col.notNull().references('product_variants.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity > 0 AND quantity <= 10000`))
    .addColumn('unit_price_cents_at_add', 'integer', (col) => col.notNull().check(sql`unit_price_cents_at_add >= 0`))
    // Saved for later: kept with the cart, but not in its totals.
    .addColumn('saved_for_later', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('added_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // One line per variant in the cart and one in saved-for-later: adds to the same variant
  // meet in one row (INSERT … ON CONFLICT), so concurrent adds cannot lose an update.
  await sql`CREATE UNIQUE INDEX cart_lines_variant_key ON cart_lines (cart_id, variant_id, saved_for_later)`.execute(db);

  await db.schema
    .createTable('coupons')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('code', 'text', (col) => col.notNull().check(sql`code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'`))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind IN ('percent', 'fixed')`))
    .addColumn('percent_basis_points', 'integer', (col) => col.check(sql`percent_basis_points BETWEEN 1 AND 10000`))
    .addColumn('amount_cents', 'integer', (col) => col.check(sql`amount_cents > 0`))
    .addColumn('min_subtotal_cents', 'integer', (col) => col.notNull().defaultTo(0).check(sql`min_subtotal_cents >= 0`))
    .addColumn('starts_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('usage_limit', 'integer', (col) => col.check(sql`usage_limit > 0`))
    .addColumn('per_customer_limit', 'integer', (col) => col.check(sql`per_customer_limit > 0`))
    .addColumn('product_ids', sql`integer[]`)
    .addColumn('category_ids', sql`integer[]`)
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('coupons_value_matches_kind', sql`(kind = 'percent' AND percent_basis_points IS NOT NULL) OR (kind = 'fixed' AND amount_cents IS NOT NULL)`)
    .addCheckConstraint('coupons_dates_in_order', sql`starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at`)
    .execute();
  await sql`CREATE UNIQUE INDEX coupons_code_key ON coupons (code)`.execute(db);

  // One row per use, written with the order (issue 6); usage limits count these.
  await db.schema
    .createTable('coupon_redemptions')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('coupon_id', 'integer', (col) => col.notNull().references('coupons.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('redeemed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX coupon_redemptions_coupon_idx ON coupon_redemptions (coupon_id, user_id)`.execute(db);

  await db.schema
    .createTable('shipping_zones')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (col) => col.notNull())
    // ISO 3166-1 alpha-2 codes; '*' is the rest of the world.
    .addColumn('countries', sql`text[]`, (col) => col.notNull())
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('shipping_methods')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('zone_id', 'integer', (col) => col.notNull().references('shipping_zones.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`code ~ '^[a-z0-9_-]{1,40}$'`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind IN ('flat', 'weight')`))
    .addColumn('price_cents', 'integer', (col) => col.notNull().defaultTo(0).check(sql`price_cents >= 0`))
    .addColumn('per_kg_cents', 'integer', (col) => col.notNull().defaultTo(0).check(sql`per_kg_cents >= 0`))
    .addColumn('free_over_cents', 'integer', (col) => col.check(sql`free_over_cents >= 0`))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addUniqueConstraint('shipping_methods_zone_code_key', ['zone_id', 'code'])
    .execute();

  await db.schema
    .createTable('tax_rates')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('country', 'text', (col) => col.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    // '' for the whole country; a region (state, province) rate wins over it.
    .addColumn('region', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('rate_basis_points', 'integer', (col) => col.notNull().check(sql`rate_basis_points BETWEEN 0 AND 10000`))
    .addUniqueConstraint('tax_rates_place_key', ['country', 'region'])
    .execute();

  // A working default for a fresh store; staff change them in the back office.
  const zone = await db
    .insertInto('shipping_zones')
    .values({ name: 'Everywhere', countries: sql`ARRAY['*']::text[]`, position: 100 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('shipping_methods')
    .values([
      { zone_id: zone.id, code: 'standard', name: 'Standard (3–5 days)', kind: 'flat', price_cents: 599, free_over_cents: 7500, position: 0 },
      { zone_id: zone.id, code: 'express', name: 'Express (1–2 days)', kind: 'weight', price_cents: 1299, per_kg_cents: 200, position: 1 },
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['tax_rates', 'shipping_methods', 'shipping_zones', 'coupon_redemptions', 'coupons', 'cart_lines', 'carts']) {
    await db.schema.dropTable(table).execute();
  }
}
