import type { Field } from './columns.js';

/** What the file asks for, before the catalog is consulted (draft.ts builds it; plan.ts compares it). */

export type NoteTone = 'error' | 'warning' | 'info';

export interface RowNote {
  tone: NoteTone;
  text: string;
}

/** One row of the file as the dry run reports it. */
export interface RowDraft {
  row: number;
  handle: string;
  sku: string;
  notes: RowNote[];
  refused: boolean;
}

/** A category named by Type ("Kitchen", or a path "Appliances > Kitchen") or Product Category's last segment. */
export interface CategoryWish {
  path: string[];
}

/** A field left undefined is one whose column the file lacks: an existing product keeps its value. */
export interface ProductFields {
  name: string;
  description?: string;
  brand?: string | null;
  tags?: string[];
  active?: boolean;
  seoTitle?: string | null;
  seoDescription?: string | null;
  category?: CategoryWish | null;
}

export interface VariantDraft {
  row: number;
  sku: string;
  options: Record<string, string>;
  priceCents: number;
  compareAtCents?: number | null;
  /** Undefined: leave an existing variant's stock as it is (a new one starts at 0). */
  stock?: number;
  weightGrams?: number | null;
  /** Undefined: no Variant Image column; '' : no image for this variant. */
  imageUrl?: string;
}

export interface ImageDraft {
  row: number;
  url: string;
  /** Undefined: no Image Alt Text column. */
  alt?: string;
  position: number | null;
}

export interface ProductDraft {
  slug: string;
  rows: RowDraft[];
  /** Undefined when the first row was refused. */
  fields?: ProductFields;
  optionNames: string[];
  variants: VariantDraft[];
  images: ImageDraft[];
}

export interface FileDraft {
  columns: ReadonlySet<Field>;
  products: ProductDraft[];
  /** Rows that name no product (no Handle): refused on their own. */
  strayRows: RowDraft[];
}

export const isRefused = (product: ProductDraft): boolean => product.rows.some((row) => row.refused);

export function refuse(row: RowDraft, reasons: string[]): void {
  for (const text of reasons) row.notes.push({ tone: 'error', text });
  if (reasons.length > 0) row.refused = true;
}
