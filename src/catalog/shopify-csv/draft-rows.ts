import { slugify } from '../../lib/slugs.js';
import { imageCells, issuesOf, LIMITS, productCells, variantCells } from './cells.js';
import { OPTION_FIELDS, type Field } from './columns.js';
import { refuse, type CategoryWish, type ImageDraft, type ProductFields, type RowDraft, type VariantDraft } from './draft-types.js';
import type { CsvRow } from './parse.js';

/** Reading one row's cells into a product's fields, a variant or an image (pure; no catalog lookups). */

const VARIANT_FIELDS: Field[] = ['sku', 'price', 'compareAt', 'inventoryQty', 'grams', 'weight', 'option1Value', 'option2Value', 'option3Value'];
const GRAMS_PER_UNIT: Record<string, number> = { g: 1, kg: 1000, lb: 453.59237, oz: 28.349523125 };
/** Shopify's placeholder for a product without options. */
const DEFAULT_OPTION = { name: 'title', value: 'default title' };

export const describesVariant = (row: CsvRow): boolean => VARIANT_FIELDS.some((field) => (row.cells[field] ?? '') !== '');
export const hasImage = (row: CsvRow): boolean => (row.cells.imageSrc ?? '') !== '';

export function readProductFields(row: CsvRow, report: RowDraft): ProductFields | undefined {
  const parsed = productCells.safeParse(row.cells);
  if (!parsed.success) {
    refuse(report, issuesOf(parsed.error));
    return undefined;
  }
  const cells = parsed.data;
  const category = categoryWish(cells.type, cells.productCategory);
  if (category?.path.some((name) => name.length > LIMITS.category)) {
    refuse(report, [`A category name in Type can be at most ${LIMITS.category} characters.`]);
    return undefined;
  }
  return {
    name: cells.title,
    description: cells.body,
    brand: cells.vendor,
    tags: cells.tags,
    active: cells.status ?? cells.published ?? undefined,
    seoTitle: cells.seoTitle,
    seoDescription: cells.seoDescription,
    category,
  };
}

/** Type wins (a "Parent > Child" path, as the export writes it); else Product Category's last segment, under the root. */
function categoryWish(type: string | null | undefined, productCategory: string | null | undefined): CategoryWish | null | undefined {
  if (type === undefined && productCategory === undefined) return undefined;
  const segments = (value: string) => value.split('>').map((part) => part.trim()).filter(Boolean);
  if (type) return segments(type).length > 0 ? { path: segments(type) } : null;
  const last = productCategory ? segments(productCategory).at(-1) : undefined;
  return last ? { path: [last] } : null;
}

/** The option names on the product's first row, checked like the product editor checks them. */
export function readOptionNames(row: CsvRow, report: RowDraft): (string | undefined)[] {
  const names = OPTION_FIELDS.map(({ name }) => row.cells[name] || undefined);
  names.forEach((name, slot) => {
    if (!name) return;
    if (name.length > LIMITS.optionName) refuse(report, [`Option${slot + 1} Name can be at most ${LIMITS.optionName} characters.`]);
    if (names.findIndex((other) => other?.toLowerCase() === name.toLowerCase()) < slot) refuse(report, [`Option${slot + 1} Name "${name}" repeats another option's name.`]);
  });
  return names;
}

export function readVariant(row: CsvRow, slug: string, names: (string | undefined)[], report: RowDraft): VariantDraft | undefined {
  const parsed = variantCells.safeParse(row.cells);
  const options = readOptions(row, names, report);
  const grams = parsed.success ? weightOf(parsed.data, report) : undefined;
  if (!parsed.success) refuse(report, issuesOf(parsed.error));
  if (!parsed.success || !options || report.refused) return undefined;
  const { sku, price, compareAt, inventoryQty, variantImage } = parsed.data;
  const priceCents = price ?? 0;
  const variant: VariantDraft = { row: row.row, sku: sku || madeSku(slug, options), options, priceCents, weightGrams: grams, imageUrl: variantImage };
  if (!sku) report.notes.push({ tone: 'info', text: `No Variant SKU: this variant gets the SKU ${variant.sku}.` });
  report.sku = variant.sku;
  variant.compareAtCents = compareAt;
  if (compareAt != null && compareAt <= priceCents) {
    report.notes.push({ tone: 'warning', text: `Variant Compare At Price ${row.cells.compareAt} is not above the price ${row.cells.price}: ignored (no sale is shown).` });
    variant.compareAtCents = null;
  }
  if (inventoryQty != null) variant.stock = Math.max(0, inventoryQty);
  if (inventoryQty != null && inventoryQty < 0) report.notes.push({ tone: 'warning', text: `Variant Inventory Qty ${inventoryQty} is below zero: stock set to 0.` });
  return variant;
}

function readOptions(row: CsvRow, names: (string | undefined)[], report: RowDraft): Record<string, string> | undefined {
  const options: Record<string, string> = {};
  const problems: string[] = [];
  OPTION_FIELDS.forEach(({ value: field }, slot) => {
    const value = row.cells[field] ?? '';
    const name = names[slot];
    if (name?.toLowerCase() === DEFAULT_OPTION.name && value.toLowerCase() === DEFAULT_OPTION.value) return;
    if (!name && value) problems.push(`Option${slot + 1} Value "${value}" has no Option${slot + 1} Name on the product's first row.`);
    else if (name && !value) problems.push(`Option${slot + 1} Value is missing: the product has the option "${name}".`);
    else if (value.length > LIMITS.optionValue) problems.push(`Option${slot + 1} Value can be at most ${LIMITS.optionValue} characters.`);
    else if (name) options[name] = value;
  });
  refuse(report, problems);
  return problems.length > 0 ? undefined : options;
}

/** Variant Grams; else Variant Weight in Variant Weight Unit. Weight is not money: rounding a float to whole grams is exact enough. */
function weightOf(cells: { grams?: number | null; weight?: string; weightUnit?: string }, report: RowDraft): number | null | undefined {
  if (cells.grams != null || !cells.weight) return cells.grams;
  const unit = (cells.weightUnit || 'kg').toLowerCase();
  const factor = GRAMS_PER_UNIT[unit];
  const grams = /^\d{1,7}(\.\d{1,6})?$/.test(cells.weight) && factor ? Math.round(Number(cells.weight) * factor) : undefined;
  if (grams === undefined || grams > LIMITS.grams) {
    refuse(report, [factor ? `Variant Weight "${cells.weight}" is not a weight we can use.` : `Variant Weight Unit "${cells.weightUnit}" must be g, kg, lb or oz.`]);
    return undefined;
  }
  return grams;
}

/** A SKU from the handle and the option values ("tee-red-m"), so the same file always makes the same one. */
function madeSku(slug: string, options: Record<string, string>): string {
  return slugify([slug, ...Object.values(options)].join(' '), LIMITS.sku) || slug.slice(0, LIMITS.sku);
}

export function readImage(row: CsvRow, report: RowDraft): ImageDraft | undefined {
  const parsed = imageCells.safeParse(row.cells);
  if (!parsed.success) {
    refuse(report, issuesOf(parsed.error));
    return undefined;
  }
  const { imageSrc, imagePosition, imageAlt } = parsed.data;
  return { row: row.row, url: imageSrc, alt: row.cells.imageAlt === undefined ? undefined : imageAlt, position: imagePosition ?? null };
}
