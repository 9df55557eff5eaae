import { sql, type Kysely } from 'kysely';

/**
 * Brand filters with a price range ("Apple or Samsung, $20 to $1,500") find their products
 * through one index on (brand, price) instead of the brand alone. The store runs statements
 * as prepared statements; Postgres's plan for any parameter values (which it may switch to
 * after five runs) cannot tell how many products a price range holds, took the price index
 * for the smaller one and read two thirds of the catalog at 50,000 products (30 ms instead of
 * 6). With both columns in one index, custom and generic plans pick the same path. It
 * replaces the brand-only index, which it serves as well (brand is its first column).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX products_active_brand_price_idx ON products (brand, price_min_cents) WHERE active AND brand IS NOT NULL`.execute(db);
  await sql`DROP INDEX IF EXISTS products_active_brand_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS products_active_brand_idx ON products (brand) WHERE active AND brand IS NOT NULL`.execute(db);
  await sql`DROP INDEX IF EXISTS products_active_brand_price_idx`.execute(db);
}
