import { z } from 'zod';
import { parseMajorUnits } from '../../lib/money.js';
import { htmlToText } from './html-text.js';

/**
 * What one cell may hold. The limits are the product editor's (src/catalog/product-form.ts), so
 * an imported product can be opened and saved there as it is. Messages name the column as the
 * file does, so staff can find the cell.
 */
export const LIMITS = {
  name: 200,
  description: 10_000,
  brand: 100,
  category: 100,
  seoTitle: 120,
  seoDescription: 320,
  tags: 30,
  tag: 40,
  sku: 64,
  optionName: 40,
  optionValue: 100,
  stock: 1_000_000,
  grams: 1_000_000,
  url: 2_000,
  alt: 500,
  /** products.price_cents is a Postgres integer. */
  cents: 2_147_483_647,
} as const;

const text = (column: string, max: number) => z.string().max(max, `${column} can be at most ${max.toLocaleString('en-US')} characters.`);
/** Blank means "none" (NULL) for optional text. */
const nullableText = (column: string, max: number) => text(column, max).transform((value) => (value === '' ? null : value));

export const moneyCell = (column: string) =>
  z.string().transform((value, ctx): number | null => {
    if (value === '') return null;
    const cents = parseMajorUnits(value);
    if (cents !== undefined && cents <= LIMITS.cents) return cents;
    const message = value.startsWith('-') ? `${column} "${value}" is negative; prices are 0 or more.` : cents !== undefined ? `${column} "${value}" is too large.` : `${column} "${value}" is not an amount like 12.50.`;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

/** Whole numbers; a negative one is returned as it is, for the caller to decide (stock clamps it). */
const integerCell = (column: string, max: number) =>
  z.string().transform((value, ctx): number | null => {
    if (value === '') return null;
    // Spreadsheets write whole numbers as "12.0" after a round trip through a float column.
    const match = /^(-?\d{1,9})(?:\.0+)?$/.exec(value);
    if (match && Math.abs(Number(match[1])) <= max) return Number(match[1]);
    ctx.addIssue({ code: 'custom', message: match ? `${column} "${value}" is more than ${max.toLocaleString('en-US')}.` : `${column} "${value}" is not a whole number.` });
    return z.NEVER;
  });

const webAddress = (column: string) =>
  text(column, LIMITS.url).refine((value) => value === '' || isWebAddress(value), { message: `${column} must be a web address starting with https:// or http://.` });

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !/\s/.test(value);
  } catch {
    return false;
  }
}

/** TRUE/FALSE as Shopify writes them, and the lower-case forms other tools write. */
const booleanCell = (column: string) =>
  z.string().transform((value, ctx): boolean | null => {
    const lower = value.toLowerCase();
    if (lower === '') return null;
    if (lower === 'true' || lower === 'yes' || lower === '1') return true;
    if (lower === 'false' || lower === 'no' || lower === '0') return false;
    ctx.addIssue({ code: 'custom', message: `${column} "${value}" must be TRUE or FALSE.` });
    return z.NEVER;
  });

const statusCell = z.string().transform((value, ctx): boolean | null => {
  const lower = value.toLowerCase();
  if (lower === '') return null;
  // Unlisted products are on sale to anyone with the link; the store has no such state, so they stay on sale.
  if (lower === 'active' || lower === 'unlisted') return true;
  if (lower === 'draft' || lower === 'archived') return false;
  ctx.addIssue({ code: 'custom', message: `Status "${value}" must be active, draft or archived.` });
  return z.NEVER;
});

const tagsCell = z
  .string()
  .transform((value) => [...new Map(value.split(',').map((tag) => tag.trim()).filter(Boolean).map((tag) => [tag.toLowerCase(), tag])).values()])
  .refine((tags) => tags.length <= LIMITS.tags, `Tags: at most ${LIMITS.tags} tags.`)
  .refine((tags) => tags.every((tag) => tag.length <= LIMITS.tag), `Tags: each tag can be at most ${LIMITS.tag} characters.`);

/** The product's own fields, from its first row. A column the file lacks stays undefined: left alone. */
export const productCells = z.object({
  title: z.string().min(1, 'Title is missing: the first row of a product must have it.').pipe(text('Title', LIMITS.name)),
  body: z.string().transform(htmlToText).pipe(text('Body (HTML), as text,', LIMITS.description)).optional(),
  vendor: nullableText('Vendor', LIMITS.brand).optional(),
  type: nullableText('Type', 400).optional(),
  productCategory: nullableText('Product Category', 400).optional(),
  tags: tagsCell.optional(),
  published: booleanCell('Published').optional(),
  status: statusCell.optional(),
  seoTitle: nullableText('SEO Title', LIMITS.seoTitle).optional(),
  seoDescription: nullableText('SEO Description', LIMITS.seoDescription).optional(),
});

/** A variant's cells; price is required when a row describes a variant at all. */
export const variantCells = z.object({
  sku: z.string().regex(/^[\x21-\x7e]*$/, 'Variant SKU is letters, digits and punctuation, without spaces.').pipe(text('Variant SKU', LIMITS.sku)).default(''),
  price: moneyCell('Variant Price').refine((cents) => cents !== null, 'Variant Price is missing: every variant needs a price.').prefault(''),
  compareAt: moneyCell('Variant Compare At Price').optional(),
  inventoryQty: integerCell('Variant Inventory Qty', LIMITS.stock).optional(),
  grams: integerCell('Variant Grams', LIMITS.grams)
    .refine((grams) => grams === null || grams >= 0, 'Variant Grams cannot be negative.')
    .optional(),
  weight: z.string().optional(),
  weightUnit: z.string().optional(),
  variantImage: webAddress('Variant Image').optional(),
});

export const imageCells = z.object({
  imageSrc: webAddress('Image Src').default(''),
  imagePosition: integerCell('Image Position', 1_000_000)
    .refine((position) => position === null || position >= 1, 'Image Position must be 1 or more.')
    .optional(),
  imageAlt: text('Image Alt Text', LIMITS.alt).default(''),
});

export function issuesOf(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((issue) => issue.message))];
}
