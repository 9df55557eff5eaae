import { sql, type Kysely } from 'kysely';

/**
 * A bulk writer of variants may refresh their products once at the end instead of once per
 * variant row. The row triggers that keep a product's summary (price range, compare-at, stock)
 * and search document made a catalog import of 6,000 variants run two product updates per
 * variant, about 80 % of its time. A transaction that sets
 * set_config('hyperstore.defer_product_refresh', 'on', true) skips them, and must then call
 * refresh_product_summary() and refresh the search document of every product it touched before
 * it commits (the Shopify CSV import does, per batch). Nothing else changes: without the
 * setting the triggers work as before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION product_variants_summary_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('hyperstore.defer_product_refresh', true) = 'on' THEN RETURN NULL; END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM refresh_product_summary(OLD.product_id); END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.product_id <> OLD.product_id) THEN
        PERFORM refresh_product_summary(NEW.product_id);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION product_variants_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE affected integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END;
    BEGIN
      IF current_setting('hyperstore.defer_product_refresh', true) = 'on' THEN RETURN NULL; END IF;
      UPDATE products SET search_document = product_search_document(id, name, brand, description, category_id) WHERE id = affected;
      RETURN NULL;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION product_variants_summary_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM refresh_product_summary(OLD.product_id); END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.product_id <> OLD.product_id) THEN
        PERFORM refresh_product_summary(NEW.product_id);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION product_variants_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE affected integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END;
    BEGIN
      UPDATE products SET search_document = product_search_document(id, name, brand, description, category_id) WHERE id = affected;
      RETURN NULL;
    END $$`.execute(db);
}
