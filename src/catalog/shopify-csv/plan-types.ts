import type { CategoryNode } from './category-resolver.js';
import type { RowNote } from './draft-types.js';

/** What the dry run shows and the apply writes: the same object, so the two cannot disagree. */

export type ProductOutcome = 'create' | 'update' | 'unchanged' | 'skipped';
export type RowOutcome = ProductOutcome | 'refused';

export interface RowReport {
  row: number;
  handle: string;
  sku: string;
  outcome: RowOutcome;
  notes: RowNote[];
}

export interface ProductValues {
  name: string;
  description: string;
  brand: string | null;
  /** A CategoryResolver key (`id:<id>` or `new:<path>`), or null for none. */
  category: string | null;
  active: boolean;
  option_names: string[];
  tags: string[];
  seo_title: string | null;
  seo_description: string | null;
}

/** A variant to insert (id null) or update. `stock` undefined: leave it as it is. */
export interface VariantWrite {
  id: number | null;
  sku: string;
  options: Record<string, string>;
  price_cents: number;
  compare_at_cents: number | null;
  stock: number | undefined;
  weight_grams: number | null;
  position: number;
}

/** An image to insert (id null) or update; its variant named by SKU, since a new variant has no id yet. */
export interface ImageWrite {
  id: number | null;
  url: string;
  alt: string;
  position: number;
  variantSku: string | null;
  /** The variant an image kept from before stays linked to (not named in the file). */
  variantId: number | null;
}

export interface ProductWrite {
  outcome: 'create' | 'update';
  id: number | null;
  slug: string;
  /** Set when the product's own row must be written. */
  values: ProductValues | null;
  variants: VariantWrite[];
  images: ImageWrite[];
  rowCount: number;
}

export interface ImportTotals {
  rows: number;
  refusedRows: number;
  warnings: number;
  create: number;
  update: number;
  unchanged: number;
  skipped: number;
  newCategories: number;
}

export interface ImportPlan {
  rows: RowReport[];
  writes: ProductWrite[];
  categories: CategoryNode[];
  totals: ImportTotals;
  /** A fingerprint of the rows' outcomes: the apply refuses to write if the catalog changed since the dry run. */
  digest: string;
}
