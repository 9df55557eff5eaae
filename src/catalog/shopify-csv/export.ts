import type { DbOrTx } from '../../db/database.js';
import { toDecimalString } from '../../lib/money.js';
import { groupBy, type ExistingImage, type ExistingVariant } from './catalog-state.js';
import { EXPORT_HEADER, type ExportColumn } from './columns.js';
import { csvLine, escapeFormula } from './csv-text.js';
import { textToHtml } from './html-text.js';

/**
 * Every product, active or not, as a Shopify product CSV: the product's fields on its first
 * row, one row per variant, and its images on the same rows in order (image-only rows when it
 * has more images than variants). Read in batches of products by id, so a large catalog is
 * streamed rather than held in memory. Type carries the category's path from the root
 * ("Appliances > Kitchen"), which the import reads back into the same category.
 */

const BATCH = 500;

interface ExportProduct {
  id: number;
  slug: string;
  name: string;
  description: string;
  brand: string | null;
  category_id: number | null;
  active: boolean;
  option_names: string[];
  tags: string[];
  seo_title: string | null;
  seo_description: string | null;
}

export async function* exportCatalogCsv(db: DbOrTx, options: { appUrl: string; batchSize?: number }): AsyncGenerator<string> {
  yield csvLine(EXPORT_HEADER);
  const categoryPath = await categoryPaths(db);
  let after = 0;
  for (;;) {
    const products = await db
      .selectFrom('products')
      .select(['id', 'slug', 'name', 'description', 'brand', 'category_id', 'active', 'option_names', 'tags', 'seo_title', 'seo_description'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(options.batchSize ?? BATCH)
      .execute();
    if (products.length === 0) return;
    after = products.at(-1)!.id;
    const ids = products.map((product) => product.id);
    const variants = groupBy(await db.selectFrom('product_variants').select(['id', 'product_id', 'sku', 'options', 'price_cents', 'compare_at_cents', 'stock', 'weight_grams', 'position']).where('product_id', 'in', ids).orderBy('position').orderBy('id').execute(), (variant) => variant.product_id);
    const images = groupBy(await db.selectFrom('product_images').select(['id', 'product_id', 'variant_id', 'url', 'alt', 'position']).where('product_id', 'in', ids).orderBy('position').orderBy('id').execute(), (image) => image.product_id);
    let chunk = '';
    for (const product of products) {
      const rows = productRows(product, variants.get(product.id) ?? [], images.get(product.id) ?? [], categoryPath, options.appUrl);
      for (const row of rows) chunk += csvLine(EXPORT_HEADER.map((column) => escapeFormula(row[column] ?? '')));
    }
    yield chunk;
  }
}

async function categoryPaths(db: DbOrTx): Promise<Map<number, string>> {
  const categories = await db.selectFrom('categories').select(['id', 'parent_id', 'name']).execute();
  const byId = new Map(categories.map((category) => [category.id, category]));
  const pathOf = (id: number, depth = 0): string[] => {
    const category = byId.get(id);
    if (!category || depth > 50) return [];
    return [...(category.parent_id === null ? [] : pathOf(category.parent_id, depth + 1)), category.name];
  };
  return new Map(categories.map((category) => [category.id, pathOf(category.id).join(' > ')]));
}

type Row = Partial<Record<ExportColumn, string>>;

function productRows(product: ExportProduct, variants: ExistingVariant[], images: ExistingImage[], categoryPath: Map<number, string>, appUrl: string): Row[] {
  const names = product.option_names.slice(0, 3);
  const absolute = (url: string) => (url.startsWith('/') && !url.startsWith('//') ? new URL(url, appUrl).href : url);
  const rows: Row[] = [];
  for (let index = 0; index < Math.max(1, variants.length, images.length); index++) {
    const row: Row = { Handle: product.slug };
    if (index === 0) Object.assign(row, productCells(product, names, variants.length > 0, categoryPath));
    const variant = variants[index];
    if (variant) Object.assign(row, variantCells(variant, names, images, absolute));
    const image = images[index];
    if (image) Object.assign(row, { 'Image Src': absolute(image.url), 'Image Position': String(index + 1), 'Image Alt Text': image.alt });
    rows.push(row);
  }
  return rows;
}

function productCells(product: ExportProduct, names: string[], hasVariants: boolean, categoryPath: Map<number, string>): Row {
  // Shopify writes a product without options as one option "Title" valued "Default Title".
  const optionNames = names.length > 0 || !hasVariants ? names : ['Title'];
  return {
    Title: product.name,
    'Body (HTML)': textToHtml(product.description),
    Vendor: product.brand ?? '',
    Type: product.category_id === null ? '' : (categoryPath.get(product.category_id) ?? ''),
    Tags: product.tags.join(', '),
    Published: product.active ? 'TRUE' : 'FALSE',
    'Option1 Name': optionNames[0] ?? '',
    'Option2 Name': optionNames[1] ?? '',
    'Option3 Name': optionNames[2] ?? '',
    'Gift Card': 'FALSE',
    'SEO Title': product.seo_title ?? '',
    'SEO Description': product.seo_description ?? '',
    Status: product.active ? 'active' : 'draft',
  };
}

function variantCells(variant: ExistingVariant, names: string[], images: ExistingImage[], absolute: (url: string) => string): Row {
  const values = names.length > 0 ? names.map((name) => variant.options[name] ?? '') : ['Default Title'];
  const image = images.find((candidate) => candidate.variant_id === variant.id);
  return {
    'Option1 Value': values[0] ?? '',
    'Option2 Value': values[1] ?? '',
    'Option3 Value': values[2] ?? '',
    'Variant SKU': variant.sku,
    'Variant Grams': variant.weight_grams === null ? '' : String(variant.weight_grams),
    'Variant Inventory Tracker': 'shopify',
    'Variant Inventory Qty': String(variant.stock),
    'Variant Inventory Policy': 'deny',
    'Variant Fulfillment Service': 'manual',
    'Variant Price': toDecimalString(variant.price_cents),
    // A compare-at price at or below the price shows no sale; Shopify would refuse it.
    'Variant Compare At Price': variant.compare_at_cents !== null && variant.compare_at_cents > variant.price_cents ? toDecimalString(variant.compare_at_cents) : '',
    'Variant Requires Shipping': 'TRUE',
    'Variant Taxable': 'TRUE',
    'Variant Image': image ? absolute(image.url) : '',
    'Variant Weight Unit': 'g',
  };
}
