import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AccountsTables } from './schema-accounts.js';
import type { CartsTables } from './schema-carts.js';
import type { OrdersTables } from './schema-orders.js';
import type { MailTables } from './schema-mail.js';
import type { ApiTables } from './schema-api.js';

/**
 * Table types, written to match migrations/ column for column (snake_case, as psql shows
 * them). A migration that changes a table changes this file in the same commit.
 */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type VariantOptions = Record<string, string>;

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: UpdatedAt;
}

export interface CategoriesTable {
  id: Generated<number>;
  parent_id: number | null;
  slug: string;
  name: string;
  description: Generated<string>;
  position: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProductsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: Generated<string>;
  brand: string | null;
  category_id: number | null;
  active: Generated<boolean>;
  featured: Generated<boolean>;
  /** Option names in display order, e.g. ["Color", "Size"]; jsonb objects do not keep key order. */
  option_names: Generated<string[]>;
  /** Maintained by a trigger on product_variants; never written by the application. */
  price_min_cents: ColumnType<number | null, never, never>;
  price_max_cents: ColumnType<number | null, never, never>;
  /** The cheapest active variant's compare-at price when it is above its price. */
  compare_at_cents: ColumnType<number | null, never, never>;
  stock_total: ColumnType<number, never, never>;
  /** Maintained by triggers for search (migrations/20261122010000_add_product_search.ts). */
  search_document: ColumnType<string, never, never>;
  search_text: ColumnType<string, never, never>;
  seo_title: string | null;
  seo_description: string | null;
  tags: Generated<string[]>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProductVariantsTable {
  id: Generated<number>;
  product_id: number;
  sku: string;
  options: ColumnType<VariantOptions, string | undefined, string>;
  price_cents: number;
  compare_at_cents: number | null;
  stock: Generated<number>;
  weight_grams: number | null;
  position: Generated<number>;
  active: Generated<boolean>;
  /** NULL: the store's default (app_settings 'low_stock_threshold'). */
  low_stock_threshold: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProductImagesTable {
  id: Generated<number>;
  product_id: number;
  variant_id: number | null;
  url: string;
  alt: Generated<string>;
  position: Generated<number>;
  /** An uploaded file's server-made name; NULL for an image at an outside URL. */
  storage_key: string | null;
  content_type: string | null;
  byte_size: number | null;
}

/** Written only by the trigger on product_variants (migrations/20261125000000_create_back_office.ts). */
export interface StockMovementsTable {
  id: Generated<number>;
  variant_id: number;
  delta: number;
  stock_after: number;
  reason: string;
  note: Generated<string>;
  actor_user_id: number | null;
  occurred_at: CreatedAt;
}

/** The catalog's words for typo correction; kept by triggers on products (migrations/20261123200000_search_vocabulary.ts). */
export interface SearchVocabularyTable {
  word: string;
  uses: number;
}

export interface Database extends AccountsTables, CartsTables, OrdersTables, MailTables, ApiTables {
  app_settings: AppSettingsTable;
  categories: CategoriesTable;
  products: ProductsTable;
  product_variants: ProductVariantsTable;
  product_images: ProductImagesTable;
  search_vocabulary: SearchVocabularyTable;
  stock_movements: StockMovementsTable;
}

export type Category = Selectable<CategoriesTable>;
export type NewCategory = Insertable<CategoriesTable>;
export type Product = Selectable<ProductsTable>;
export type NewProduct = Insertable<ProductsTable>;
export type ProductUpdate = Updateable<ProductsTable>;
export type ProductVariant = Selectable<ProductVariantsTable>;
export type NewProductVariant = Insertable<ProductVariantsTable>;
export type ProductImage = Selectable<ProductImagesTable>;
export type NewProductImage = Insertable<ProductImagesTable>;
export type StockMovement = Selectable<StockMovementsTable>;
