import { sql, type Kysely } from 'kysely';

/**
 * What the back office needs: an append-only audit trail with before/after values, a stock
 * history written by the database itself (so no path that changes stock can skip it), SEO
 * fields and tags on products, uploaded images, order notes, shipments and refunds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await auditTrail(db);
  await stockHistory(db);
  await catalogFields(db);
  await orderWork(db);
}

async function auditTrail(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_events')
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await sql`CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, occurred_at DESC)`.execute(db);
  await sql`CREATE INDEX audit_events_action_idx ON audit_events (action, occurred_at DESC)`.execute(db);
  await sql`CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, occurred_at DESC)`.execute(db);
  // Append-only. The one change allowed is a deleted user's id becoming NULL (the foreign
  // keys' ON DELETE SET NULL when an account is erased); the record of what happened stays.
  await sql`
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE'
         AND (to_jsonb(NEW) - 'actor_user_id' - 'subject_user_id') = (to_jsonb(OLD) - 'actor_user_id' - 'subject_user_id')
         AND (NEW.actor_user_id IS NULL OR NEW.actor_user_id = OLD.actor_user_id)
         AND (NEW.subject_user_id IS NULL OR NEW.subject_user_id = OLD.subject_user_id) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);
}

async function stockHistory(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stock_movements')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('variant_id', 'integer', (col) => col.notNull().references('product_variants.id').onDelete('cascade'))
    .addColumn('delta', 'integer', (col) => col.notNull())
    .addColumn('stock_after', 'integer', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX stock_movements_variant_idx ON stock_movements (variant_id, id DESC)`.execute(db);
  // Every stock change is recorded by this trigger. A command says why in its own transaction
  // with set_config('hyperstore.stock_reason' | 'hyperstore.stock_note' | 'hyperstore.actor_user_id', …, true);
  // a change that says nothing is still recorded, as 'unrecorded'.
  await sql`
    CREATE FUNCTION product_variants_stock_history() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      change integer := NEW.stock - CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE OLD.stock END;
    BEGIN
      IF change <> 0 THEN
        INSERT INTO stock_movements (variant_id, delta, stock_after, reason, note, actor_user_id)
        VALUES (
          NEW.id, change, NEW.stock,
          COALESCE(NULLIF(current_setting('hyperstore.stock_reason', true), ''), CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'unrecorded' END),
          COALESCE(current_setting('hyperstore.stock_note', true), ''),
          NULLIF(current_setting('hyperstore.actor_user_id', true), '')::integer
        );
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER product_variants_stock_history AFTER INSERT OR UPDATE OF stock ON product_variants
    FOR EACH ROW EXECUTE FUNCTION product_variants_stock_history()`.execute(db);
  // NULL: the store's default threshold (app_settings 'low_stock_threshold').
  await db.schema.alterTable('product_variants').addColumn('low_stock_threshold', 'integer', (col) => col.check(sql`low_stock_threshold >= 0`)).execute();
}

async function catalogFields(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('products')
    .addColumn('seo_title', 'text')
    .addColumn('seo_description', 'text')
    .addColumn('tags', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  // An uploaded image's server-made file name (in DATA_DIR/uploads or the S3 bucket); NULL for
  // an image that lives at an outside URL (the demo seed's, an import's Image Src).
  await db.schema
    .alterTable('product_images')
    .addColumn('storage_key', 'text', (col) => col.unique())
    .addColumn('content_type', 'text')
    .addColumn('byte_size', 'integer')
    .execute();
}

async function orderWork(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('carrier', 'text')
    .addColumn('shipped_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX orders_placed_idx ON orders (placed_at DESC)`.execute(db);
  await sql`CREATE INDEX orders_status_placed_idx ON orders (status, placed_at DESC)`.execute(db);
  await sql`CREATE INDEX orders_email_idx ON orders (lower(email))`.execute(db);
  await db.schema
    .createTable('order_notes')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('author_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (col) => col.notNull().check(sql`length(body) BETWEEN 1 AND 5000`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX order_notes_order_idx ON order_notes (order_id, created_at)`.execute(db);
  // Refunds staff started. sequence numbers them per order for the provider's idempotency key
  // (order-HS-…-refund-<sequence>), so a doubled click cannot refund twice.
  await db.schema
    .createTable('order_refunds')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('sequence', 'integer', (col) => col.notNull())
    .addColumn('amount_cents', 'integer', (col) => col.notNull().check(sql`amount_cents > 0`))
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status IN ('pending', 'succeeded', 'failed')`))
    .addColumn('provider_refund_id', 'text')
    .addColumn('reason', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('restock', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('order_refunds_sequence_unique', ['order_id', 'sequence'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_refunds').execute();
  await db.schema.dropTable('order_notes').execute();
  await sql`DROP INDEX orders_email_idx, orders_status_placed_idx, orders_placed_idx`.execute(db);
  await db.schema.alterTable('orders').dropColumn('carrier').dropColumn('shipped_at').dropColumn('delivered_at').execute();
  await db.schema.alterTable('product_images').dropColumn('storage_key').dropColumn('content_type').dropColumn('byte_size').execute();
  await db.schema.alterTable('products').dropColumn('seo_title').dropColumn('seo_description').dropColumn('tags').execute();
  await db.schema.alterTable('product_variants').dropColumn('low_stock_threshold').execute();
  await sql`DROP TRIGGER product_variants_stock_history ON product_variants`.execute(db);
  await sql`DROP FUNCTION product_variants_stock_history()`.execute(db);
  await db.schema.dropTable('stock_movements').execute();
  await sql`DROP TRIGGER audit_events_append_only ON audit_events`.execute(db);
  await sql`DROP FUNCTION audit_events_append_only()`.execute(db);
  await sql`DROP INDEX audit_events_entity_idx, audit_events_action_idx, audit_events_actor_idx`.execute(db);
  await db.schema.alterTable('audit_events').dropColumn('entity_type').dropColumn('entity_id').dropColumn('before').dropColumn('after').execute();
}
