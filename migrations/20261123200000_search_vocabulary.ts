import { sql, type Kysely } from 'kysely';

/**
 * The catalog's words for typo correction ("iphnoe" → "iphone"), kept in a table instead of
 * being split out of every product's search text on each search that finds nothing (that
 * read every active product: fine at 231, not at 50,000).
 *
 * A word is a run of letters and digits, two or more long, in an active product's
 * search_text (name, brand, category names); `uses` counts its occurrences, as the old query
 * did. Statement-level triggers with transition tables keep it current whatever writes
 * products (seed, generator, back office, tests), one upsert per statement rather than per
 * row, so a bulk insert of thousands of products costs one aggregate. Words are upserted in
 * alphabetical order, so two writers lock shared words in the same order and cannot deadlock.
 * refresh_search_vocabulary() rebuilds it from scratch (used here, and for repairs).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('search_vocabulary')
    .addColumn('word', 'text', (col) => col.primaryKey())
    .addColumn('uses', 'integer', (col) => col.notNull())
    .execute();
  // Rows that reached zero are deleted in the same trigger; this keeps finding them cheap.
  await sql`CREATE INDEX search_vocabulary_unused_idx ON search_vocabulary (word) WHERE uses <= 0`.execute(db);

  await sql`
    CREATE FUNCTION search_vocabulary_change(added text[], removed text[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
      IF cardinality(added) = 0 AND cardinality(removed) = 0 THEN RETURN; END IF;
      INSERT INTO search_vocabulary AS v (word, uses)
      SELECT word, sum(sign)::integer
      FROM (
        SELECT word, 1 AS sign FROM unnest(added) AS t(text), regexp_split_to_table(t.text, '[^[:alnum:]]+') AS word
        UNION ALL
        SELECT word, -1 FROM unnest(removed) AS t(text), regexp_split_to_table(t.text, '[^[:alnum:]]+') AS word
      ) counted
      WHERE length(word) >= 2
      GROUP BY word
      HAVING sum(sign) <> 0
      ORDER BY word
      ON CONFLICT (word) DO UPDATE SET uses = v.uses + excluded.uses;
      DELETE FROM search_vocabulary WHERE uses <= 0;
    END $$`.execute(db);

  await sql`
    CREATE FUNCTION products_vocabulary_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM search_vocabulary_change(ARRAY(SELECT search_text FROM new_rows WHERE active), '{}');
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_vocabulary_change('{}', ARRAY(SELECT search_text FROM old_rows WHERE active));
      ELSE
        PERFORM search_vocabulary_change(
          ARRAY(SELECT n.search_text FROM new_rows n JOIN old_rows o USING (id)
                WHERE n.active AND (n.search_text, n.active) IS DISTINCT FROM (o.search_text, o.active)),
          ARRAY(SELECT o.search_text FROM old_rows o JOIN new_rows n USING (id)
                WHERE o.active AND (n.search_text, n.active) IS DISTINCT FROM (o.search_text, o.active)));
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  // Transition tables allow one event per trigger, hence three.
  await sql`
    CREATE TRIGGER products_vocabulary_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products_vocabulary_trigger()`.execute(db);
  await sql`
    CREATE TRIGGER products_vocabulary_update AFTER UPDATE ON products
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products_vocabulary_trigger()`.execute(db);
  await sql`
    CREATE TRIGGER products_vocabulary_delete AFTER DELETE ON products
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION products_vocabulary_trigger()`.execute(db);

  await sql`
    CREATE FUNCTION refresh_search_vocabulary() RETURNS void
    LANGUAGE sql AS $$
      DELETE FROM search_vocabulary;
      INSERT INTO search_vocabulary (word, uses)
      SELECT word, count(*)::integer
      FROM products, regexp_split_to_table(products.search_text, '[^[:alnum:]]+') AS word
      WHERE products.active AND length(word) >= 2
      GROUP BY word;
    $$`.execute(db);
  // TRUNCATE fires no row or statement DELETE triggers.
  await sql`
    CREATE FUNCTION products_vocabulary_truncate_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN DELETE FROM search_vocabulary; RETURN NULL; END $$`.execute(db);
  await sql`
    CREATE TRIGGER products_vocabulary_truncate AFTER TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION products_vocabulary_truncate_trigger()`.execute(db);

  await sql`SELECT refresh_search_vocabulary()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['products_vocabulary_truncate', 'products_vocabulary_delete', 'products_vocabulary_update', 'products_vocabulary_insert']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.id(trigger)} ON products`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS products_vocabulary_truncate_trigger()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS refresh_search_vocabulary()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS products_vocabulary_trigger()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS search_vocabulary_change(text[], text[])`.execute(db);
  await db.schema.dropTable('search_vocabulary').ifExists().execute();
}
