import { z } from 'zod';
import { parseMajorUnits } from '../lib/money.js';
import { slugify, slugPattern } from '../lib/slugs.js';

/**
 * The product form as the browser sends it (flat names, so it works without JavaScript:
 * `v0_sku`, `v0_price`…) and its rules. Pure: the database rules (a slug or SKU already
 * taken) are checked by product-admin.ts inside the saving transaction.
 */

/** One message per input name (the same shape views/components/field.tsx shows). */
export type FieldErrors = Partial<Record<string, string>>;

export const MAX_OPTIONS = 3;
export const MAX_VARIANT_ROWS = 100;
export const MAX_STOCK_PER_VARIANT = 1_000_000;
const SLOTS = [0, 1, 2] as const;

export interface VariantFormValues {
  id: string;
  sku: string;
  options: string[];
  price: string;
  compare_at: string;
  stock: string;
  /** The stock the form was loaded with: unchanged, the save leaves the stock as orders have since left it. */
  stock_was: string;
  weight: string;
  active: boolean;
  remove: boolean;
}

export interface ProductFormValues {
  name: string;
  slug: string;
  description: string;
  brand: string;
  category_id: string;
  active: boolean;
  featured: boolean;
  seo_title: string;
  seo_description: string;
  tags: string;
  option_names: string[];
  variants: VariantFormValues[];
}

export interface VariantInput {
  /** The row on the form, for its field errors. */
  row: number;
  id: number | undefined;
  sku: string;
  options: Record<string, string>;
  priceCents: number;
  compareAtCents: number | null;
  stock: number;
  /** Set when staff left the stock as loaded: the saved stock is then not touched. */
  stockUnchanged: boolean;
  weightGrams: number | null;
  active: boolean;
}

export interface ProductInput {
  name: string;
  slug: string;
  description: string;
  brand: string | null;
  categoryId: number | null;
  active: boolean;
  featured: boolean;
  seoTitle: string | null;
  seoDescription: string | null;
  tags: string[];
  optionNames: string[];
  variants: VariantInput[];
  /** Existing variants the form asks to remove (deleted, or deactivated when ever ordered). */
  removeIds: number[];
}

export const emptyVariantRow = (): VariantFormValues => ({ id: '', sku: '', options: ['', '', ''], price: '', compare_at: '', stock: '0', stock_was: '', weight: '', active: true, remove: false });

/** A new product's form: active, one empty variant row. */
export const emptyProductValues = (): ProductFormValues => ({
  name: '',
  slug: '',
  description: '',
  brand: '',
  category_id: '',
  active: true,
  featured: false,
  seo_title: '',
  seo_description: '',
  tags: '',
  option_names: ['', '', ''],
  variants: [emptyVariantRow()],
});

/** The form shown again with one more empty variant row (the no-JavaScript way to add one). */
export const withVariantRow = (values: ProductFormValues): ProductFormValues =>
  values.variants.length >= MAX_VARIANT_ROWS ? values : { ...values, variants: [...values.variants, emptyVariantRow()] };

/** Field values as typed, clipped so an oversized value is never echoed back whole. */
export function readProductForm(fields: Record<string, string>): ProductFormValues {
  const text = (name: string, max = 20_000) => (fields[name] ?? '').slice(0, max);
  const rows = Math.min(MAX_VARIANT_ROWS, 1 + Math.max(-1, ...Object.keys(fields).map((key) => Number(/^v(\d{1,3})_/.exec(key)?.[1] ?? -1))));
  const variants = Array.from({ length: rows }, (_, row): VariantFormValues => {
    const v = (name: string) => text(`v${row}_${name}`, 200);
    return {
      id: v('id'),
      sku: v('sku'),
      options: SLOTS.map((slot) => v(`option${slot + 1}`)),
      price: v('price'),
      compare_at: v('compare_at'),
      stock: v('stock'),
      stock_was: v('stock_was'),
      weight: v('weight'),
      active: `v${row}_active` in fields,
      remove: `v${row}_remove` in fields,
    };
  });
  return {
    name: text('name', 400),
    slug: text('slug', 400),
    description: text('description'),
    brand: text('brand', 400),
    category_id: text('category_id', 20),
    active: 'active' in fields,
    featured: 'featured' in fields,
    seo_title: text('seo_title', 400),
    seo_description: text('seo_description', 1000),
    tags: text('tags', 2000),
    option_names: SLOTS.map((slot) => text(`option${slot + 1}_name`, 200)),
    variants,
  };
}

/** Why a price is refused, in the words staff need to fix it. */
function moneyProblem(text: string): string {
  if (text.startsWith('-')) return 'A price cannot be negative.';
  if (/^\d+[.,]\d{3,}$/.test(text)) return 'Use at most 2 decimals (e.g. 12.50).';
  if (/^\d{10,}([.,]\d*)?$/.test(text)) return 'That amount is too large.';
  return 'Enter an amount like 12.50 (digits, one decimal point).';
}

const money = (required: boolean) =>
  z.string().trim().transform((text, ctx): number | null => {
    if (text === '') {
      if (required) ctx.addIssue({ code: 'custom', message: 'Enter a price, e.g. 12.50.' });
      return null;
    }
    const cents = parseMajorUnits(text);
    if (cents === undefined) ctx.addIssue({ code: 'custom', message: moneyProblem(text) });
    return cents ?? null;
  });

const wholeNumber = (what: string, max: number, required: boolean) =>
  z.string().trim().transform((text, ctx): number | null => {
    if (text === '' && !required) return null;
    if (/^\d{1,9}$/.test(text) && Number(text) <= max) return Number(text);
    const message = text === '' ? `Enter the ${what} (0 or more).` : text.startsWith('-') ? `The ${what} cannot be below zero.` : /^\d+$/.test(text) ? `The ${what} can be at most ${max.toLocaleString('en-US')}.` : `The ${what} is a whole number (0 or more).`;
    ctx.addIssue({ code: 'custom', message });
    return null;
  });

const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, `${label} can be at most ${max} characters.`).transform((text) => (text === '' ? null : text));

const productSchema = z.object({
  name: z.string().trim().min(1, 'Enter the product’s name.').max(200, 'The name can be at most 200 characters.'),
  slug: z.string().trim().toLowerCase().max(120, 'The slug can be at most 120 characters.').refine((slug) => slug === '' || slugPattern.test(slug), 'Use lower-case letters, digits and single dashes (e.g. blue-mug).'),
  description: z.string().trim().max(10_000, 'The description can be at most 10,000 characters.'),
  brand: optionalText(100, 'The brand'),
  category_id: z.string().trim().regex(/^(\d{1,9})?$/, 'Choose a category from the list.').transform((id) => (id === '' ? null : Number(id))),
  seo_title: optionalText(120, 'The SEO title'),
  seo_description: optionalText(320, 'The SEO description'),
  tags: z
    .string()
    .transform((text) => [...new Map(text.split(',').map((tag) => tag.trim()).filter(Boolean).map((tag) => [tag.toLowerCase(), tag])).values()])
    .refine((tags) => tags.length <= 30, 'At most 30 tags.')
    .refine((tags) => tags.every((tag) => tag.length <= 40), 'Each tag can be at most 40 characters.'),
});

const variantSchema = z.object({
  id: z.string().trim().regex(/^(\d{1,9})?$/, 'This row names no variant.').transform((id) => (id === '' ? undefined : Number(id))),
  sku: z.string().trim().min(1, 'Enter a SKU.').max(64, 'A SKU can be at most 64 characters.').regex(/^[\x21-\x7e]+$/, 'A SKU is letters, digits and punctuation, without spaces.'),
  price: money(true),
  compare_at: money(false),
  stock: wholeNumber('stock', MAX_STOCK_PER_VARIANT, true),
  weight: wholeNumber('weight', 1_000_000, false),
});

function optionNamesOf(values: ProductFormValues, errors: FieldErrors): (string | undefined)[] {
  const names = values.option_names.map((name) => name.trim() || undefined);
  names.forEach((name, slot) => {
    if (name && name.length > 40) errors[`option${slot + 1}_name`] = 'An option name can be at most 40 characters.';
    if (name && names.findIndex((other) => other?.toLowerCase() === name.toLowerCase()) < slot) errors[`option${slot + 1}_name`] = 'Two options cannot have the same name.';
  });
  return names;
}

/** One row's variant, or its field errors (keyed `v<row>_<field>`). */
function parseVariant(row: number, values: VariantFormValues, names: (string | undefined)[], errors: FieldErrors): VariantInput | undefined {
  const parsed = variantSchema.safeParse(values);
  const options: Record<string, string> = {};
  SLOTS.forEach((slot) => {
    const value = (values.options[slot] ?? '').trim();
    const name = names[slot];
    if (name && !value) errors[`v${row}_option${slot + 1}`] = `Give this variant a ${name}.`;
    else if (!name && value) errors[`v${row}_option${slot + 1}`] = `Name option ${slot + 1} above first.`;
    else if (value.length > 100) errors[`v${row}_option${slot + 1}`] = 'An option value can be at most 100 characters.';
    else if (name) options[name] = value;
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[`v${row}_${String(issue.path[0])}`] ??= issue.message;
    return undefined;
  }
  const { id, sku, price, compare_at: compareAt, stock, weight } = parsed.data;
  if (compareAt !== null && price !== null && compareAt <= price) errors[`v${row}_compare_at`] = 'The compare-at price must be above the price (or left empty).';
  return { row, id, sku, options, priceCents: price ?? 0, compareAtCents: compareAt, stock: stock ?? 0, stockUnchanged: id !== undefined && values.stock.trim() === values.stock_was, weightGrams: weight, active: values.active };
}

const isBlankNewRow = (row: VariantFormValues) => !row.id && !row.sku.trim() && !row.price.trim() && !row.compare_at.trim() && !row.weight.trim() && row.options.every((option) => !option.trim());

/** Checks a typed form: the product to save, or one message per field that needs fixing. */
export function parseProductForm(values: ProductFormValues): { input: ProductInput } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const product = productSchema.safeParse(values);
  if (!product.success) for (const issue of product.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const names = optionNamesOf(values, errors);
  const removeIds: number[] = [];
  const variants: VariantInput[] = [];
  values.variants.forEach((row, index) => {
    if (row.remove || isBlankNewRow(row)) {
      if (row.remove && /^\d{1,9}$/.test(row.id)) removeIds.push(Number(row.id));
      return;
    }
    const variant = parseVariant(index, row, names, errors);
    if (variant) variants.push(variant);
  });
  checkVariantSet(values, variants, names, errors);
  const slug = product.success ? product.data.slug || slugify(product.data.name) : '';
  if (product.success && !slug) errors.slug ??= 'Enter a slug: the name has no letters or digits to make one from.';
  if (!product.success || Object.keys(errors).length > 0) return { errors };
  const { name, description, brand, category_id: categoryId, seo_title: seoTitle, seo_description: seoDescription, tags } = product.data;
  const optionNames = names.filter((name): name is string => name !== undefined);
  return { input: { name, slug, description, brand, categoryId, active: values.active, featured: values.featured, seoTitle, seoDescription, tags, optionNames, variants, removeIds } };
}

/** Rules across rows: at least one variant, SKUs unique on the form, options that tell variants apart. */
function checkVariantSet(values: ProductFormValues, variants: VariantInput[], names: (string | undefined)[], errors: FieldErrors): void {
  const kept = values.variants.filter((row) => !row.remove && !isBlankNewRow(row)).length;
  if (kept === 0) errors.variants = 'A product needs at least one variant (its SKU, price and stock).';
  if (kept > 1 && names.every((name) => name === undefined)) errors.option1_name ??= 'Name an option (e.g. Size) so shoppers can tell the variants apart.';
  const seenSkus = new Set<string>();
  const seenOptions = new Set<string>();
  for (const variant of variants) {
    if (seenSkus.has(variant.sku)) errors[`v${variant.row}_sku`] ??= 'Another variant on this form has this SKU.';
    seenSkus.add(variant.sku);
    const combination = JSON.stringify(Object.entries(variant.options).map(([name, value]) => [name, value.toLowerCase()]));
    if (kept > 1 && seenOptions.has(combination)) errors[`v${variant.row}_option1`] ??= 'Another variant has the same options.';
    seenOptions.add(combination);
  }
}

/** The form as an existing product fills it. */
export function productFormValues(
  product: { name: string; slug: string; description: string; brand: string | null; category_id: number | null; active: boolean; featured: boolean; seo_title: string | null; seo_description: string | null; tags: string[]; option_names: string[] },
  variants: { id: number; sku: string; options: Record<string, string>; price_cents: number; compare_at_cents: number | null; stock: number; weight_grams: number | null; active: boolean }[],
  decimal: (cents: number) => string,
): ProductFormValues {
  // Names the variants use beyond the product's list (older or imported data) are kept too.
  const used = [...new Set([...product.option_names, ...variants.flatMap((variant) => Object.keys(variant.options))])];
  const names = SLOTS.map((slot) => used[slot] ?? '');
  return {
    name: product.name,
    slug: product.slug,
    description: product.description,
    brand: product.brand ?? '',
    category_id: product.category_id === null ? '' : String(product.category_id),
    active: product.active,
    featured: product.featured,
    seo_title: product.seo_title ?? '',
    seo_description: product.seo_description ?? '',
    tags: product.tags.join(', '),
    option_names: names,
    variants: variants.map((variant) => ({
      id: String(variant.id),
      sku: variant.sku,
      options: names.map((name) => (name ? (variant.options[name] ?? '') : '')),
      price: decimal(variant.price_cents),
      compare_at: variant.compare_at_cents === null ? '' : decimal(variant.compare_at_cents),
      stock: String(variant.stock),
      stock_was: String(variant.stock),
      weight: variant.weight_grams === null ? '' : String(variant.weight_grams),
      active: variant.active,
      remove: false,
    })),
  };
}
