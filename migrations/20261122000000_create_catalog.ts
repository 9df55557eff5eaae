import { sql, type Kysely } from 'kysely';

/**
 * The catalog: a category tree, products, their variants (the thing that is priced and
 * stocked) and images. Each product also keeps a summary of its active variants (price
 * range, the cheapest one's compare-at price, total stock), maintained by a trigger, so
 * listings filter and sort through indexes instead of aggregating variants per request
 * (docs/decisions/0001-catalog-summary-columns.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('app_settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('categories')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('parent_id', 'integer', (col) => col.references('categories.id').onDelete('restrict'))
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('categories_slug_format', sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
    .addCheckConstraint('categories_not_own_parent', sql`parent_id <> id`)
    .execute();
  await db.schema.createIndex('categories_parent_position_idx').on('categories').columns(['parent_id', 'position']).execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('brand', 'text')
    .addColumn('category_id', 'integer', (col) => col.references('categories.id').onDelete('set null'))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('featured', 'boolean', (col) => col.notNull().defaultTo(false))
    // The option names in display order (["Color", "Size"]); variants hold the values.
    .addColumn('option_names', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('price_min_cents', 'integer')
    .addColumn('price_max_cents', 'integer')
    .addColumn('compare_at_cents', 'integer')
    .addColumn('stock_total', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('products_slug_format', sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
    .execute();
  // Every listing filters on active products; these partial indexes serve its orderings.
  await sql`CREATE INDEX products_active_newest_idx ON products (created_at DESC, id DESC) WHERE active`.execute(db);
  await sql`CREATE INDEX products_active_price_idx ON products (price_min_cents, id) WHERE active`.execute(db);
  await sql`CREATE INDEX products_active_name_idx ON products (name, id) WHERE active`.execute(db);
  await sql`CREATE INDEX products_active_category_idx ON products (category_id, created_at DESC) WHERE active`.execute(db);
  await sql`CREATE INDEX products_active_brand_idx ON products (brand) WHERE active AND brand IS NOT NULL`.execute(db);
  await sql`CREATE INDEX products_featured_idx ON products (id) WHERE active AND featured`.execute(db);

  await db.schema
    .createTable('product_variants')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('product_id', 'integer', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('sku', 'text', (col) => col.notNull().unique())
    .addColumn('options', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('price_cents', 'integer', (col) => col.notNull())
    .addColumn('compare_at_cents', 'integer')
    .addColumn('stock', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('weight_grams', 'integer')
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('product_variants_stock_not_negative', sql`stock >= 0`)
    .addCheckConstraint('product_variants_price_not_negative', sql`price_cents >= 0`)
    .addCheckConstraint('product_variants_compare_at_not_negative', sql`compare_at_cents IS NULL OR compare_at_cents >= 0`)
    .addCheckConstraint('product_variants_weight_not_negative', sql`weight_grams IS NULL OR weight_grams >= 0`)
    .addCheckConstraint('product_variants_options_object', sql`jsonb_typeof(options) = 'object'`)
    .execute();
  await db.schema.createIndex('product_variants_product_idx').on('product_variants').columns(['product_id', 'position']).execute();

  await db.schema
    .createTable('product_images')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('product_id', 'integer', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('variant_id', 'integer', (col) => col.references('product_variants.id').onDelete('set null'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('alt', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('product_images_product_idx').on('product_images').columns(['product_id', 'position']).execute();
  await db.schema.createIndex('product_images_variant_idx').on('product_images').column('variant_id').execute();

  // Keeps products.price_min_cents / price_max_cents / stock_total equal to what their
  // active variants say, whatever writes the variants (admin, import, orders).
  await sql`
    CREATE FUNCTION refresh_product_summary(target_product_id integer) RETURNS void
    LANGUAGE sql AS $$
      UPDATE products p SET
        price_min_cents = s.price_min,
        price_max_cents = s.price_max,
        compare_at_cents = s.compare_at,
        stock_total = s.stock
      FROM (
        SELECT
          min(price_cents) AS price_min,
          max(price_cents) AS price_max,
          coalesce(sum(stock), 0)::integer AS stock,
          -- the cheapest variant's "was" price, when it really is above what it costs now
          (array_agg(CASE WHEN compare_at_cents > price_cents THEN compare_at_cents END ORDER BY price_cents, position, id))[1] AS compare_at
        FROM product_variants WHERE product_id = target_product_id AND active
      ) s
      WHERE p.id = target_product_id
        AND (p.price_min_cents, p.price_max_cents, p.compare_at_cents, p.stock_total)
            IS DISTINCT FROM (s.price_min, s.price_max, s.compare_at, s.stock)
    $$`.execute(db);
  await sql`
    CREATE FUNCTION product_variants_summary_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM refresh_product_summary(OLD.product_id); END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.product_id <> OLD.product_id) THEN
        PERFORM refresh_product_summary(NEW.product_id);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER product_variants_summary
    AFTER INSERT OR UPDATE OF price_cents, compare_at_cents, stock, active, position, product_id OR DELETE ON product_variants
    FOR EACH ROW EXECUTE FUNCTION product_variants_summary_trigger()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS product_variants_summary ON product_variants`.execute(db);
  await sql`DROP FUNCTION IF EXISTS product_variants_summary_trigger()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS refresh_product_summary(integer)`.execute(db);
  for (const table of ['product_images', 'product_variants', 'products', 'categories', 'app_settings']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
