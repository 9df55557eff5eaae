import { sql, type Kysely } from 'kysely';

/**
 * Product search on Postgres alone: a weighted full-text document per product (name, then
 * brand and categories, then description, then variant options and SKUs) for ranking, and
 * a plain-text field of name, brand and categories for trigram typo tolerance (pg_trgm).
 * Triggers keep both current whatever writes the product, its variants or its categories.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  await db.schema
    .alterTable('products')
    .addColumn('search_document', sql`tsvector`, (col) => col.notNull().defaultTo(sql`''::tsvector`))
    .addColumn('search_text', 'text', (col) => col.notNull().defaultTo(''))
    .execute();
  await sql`CREATE INDEX products_search_document_idx ON products USING gin (search_document)`.execute(db);
  await sql`CREATE INDEX products_search_text_trgm_idx ON products USING gin (search_text gin_trgm_ops)`.execute(db);

  // The category's name and its ancestors' names ("Laptops Electronics").
  await sql`
    CREATE FUNCTION category_search_names(target_category_id integer) RETURNS text
    LANGUAGE sql STABLE AS $$
      WITH RECURSIVE chain AS (
        SELECT id, parent_id, name, 0 AS depth FROM categories WHERE id = target_category_id
        UNION ALL
        SELECT c.id, c.parent_id, c.name, chain.depth + 1 FROM categories c JOIN chain ON c.id = chain.parent_id WHERE chain.depth < 32
      )
      SELECT coalesce(string_agg(name, ' ' ORDER BY depth), '') FROM chain
    $$`.execute(db);
  await sql`
    CREATE FUNCTION product_search_document(target_id integer, p_name text, p_brand text, p_description text, p_category_id integer)
    RETURNS tsvector LANGUAGE sql STABLE AS $$
      SELECT
        setweight(to_tsvector('english', coalesce(p_name, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(p_brand, '') || ' ' || category_search_names(p_category_id)), 'B') ||
        setweight(to_tsvector('english', coalesce(p_description, '')), 'C') ||
        setweight(to_tsvector('simple', coalesce((
          SELECT string_agg(v.sku || ' ' || coalesce((SELECT string_agg(value, ' ') FROM jsonb_each_text(v.options)), ''), ' ')
          FROM product_variants v WHERE v.product_id = target_id AND v.active
        ), '')), 'D')
    $$`.execute(db);
  await sql`
    CREATE FUNCTION products_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_document := product_search_document(NEW.id, NEW.name, NEW.brand, NEW.description, NEW.category_id);
      NEW.search_text := lower(concat_ws(' ', NEW.name, NEW.brand, category_search_names(NEW.category_id)));
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER products_search BEFORE INSERT OR UPDATE OF name, brand, description, category_id ON products
    FOR EACH ROW EXECUTE FUNCTION products_search_trigger()`.execute(db);

  // A variant's SKU and options are part of its product's document.
  await sql`
    CREATE FUNCTION product_variants_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE affected integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END;
    BEGIN
      UPDATE products SET search_document = product_search_document(id, name, brand, description, category_id) WHERE id = affected;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER product_variants_search AFTER INSERT OR UPDATE OF sku, options, active OR DELETE ON product_variants
    FOR EACH ROW EXECUTE FUNCTION product_variants_search_trigger()`.execute(db);

  // Renaming or moving a category changes the documents of every product below it.
  await sql`
    CREATE FUNCTION categories_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE products SET category_id = category_id
      WHERE category_id IN (
        WITH RECURSIVE below AS (
          SELECT id FROM categories WHERE id = NEW.id
          UNION SELECT c.id FROM categories c JOIN below ON c.parent_id = below.id
        ) SELECT id FROM below);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER categories_search AFTER UPDATE OF name, parent_id ON categories
    FOR EACH ROW EXECUTE FUNCTION categories_search_trigger()`.execute(db);

  // Existing rows: touching a column the trigger watches recomputes both fields.
  await sql`UPDATE products SET name = name`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS categories_search ON categories`.execute(db);
  await sql`DROP TRIGGER IF EXISTS product_variants_search ON product_variants`.execute(db);
  await sql`DROP TRIGGER IF EXISTS products_search ON products`.execute(db);
  await sql`DROP FUNCTION IF EXISTS categories_search_trigger()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS product_variants_search_trigger()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS products_search_trigger()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS product_search_document(integer, text, text, text, integer)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS category_search_names(integer)`.execute(db);
  await db.schema.alterTable('products').dropColumn('search_document').dropColumn('search_text').execute();
}
