import { slugify } from '../../lib/slugs.js';
import { describesVariant, hasImage, readImage, readOptionNames, readProductFields, readVariant } from './draft-rows.js';
import { refuse, type FileDraft, type ProductDraft, type RowDraft } from './draft-types.js';
import type { CsvRow, ParsedCsv } from './parse.js';

/** The product editor's longest slug. */
const MAX_SLUG = 120;

/**
 * Groups the rows into products by Handle and reads each row (pure). Shopify's layout: a
 * product's rows follow one another; the first carries the product's fields; any row may carry
 * a variant and/or an image. Rules that span rows are checked here: a Handle that comes back
 * after other products, and a SKU or a set of options used twice.
 */
export function draftImport(parsed: ParsedCsv, appUrl?: string): FileDraft {
  const local = localizer(appUrl);
  const products: ProductDraft[] = [];
  const strayRows: RowDraft[] = [];
  const bySlug = new Map<string, { product: ProductDraft; names: (string | undefined)[] }>();
  let current: ProductDraft | undefined;
  for (const row of parsed.rows) {
    const handle = row.cells.handle ?? '';
    const report: RowDraft = { row: row.row, handle, sku: row.cells.sku ?? '', notes: [], refused: false };
    const slug = slugify(handle, MAX_SLUG);
    if (!slug) {
      refuse(report, [handle ? `Handle "${handle}" has no letters or digits to make a web address from.` : 'Handle is empty: every row must name its product.']);
      strayRows.push(report);
      continue;
    }
    const known = bySlug.get(slug);
    if (known && known.product !== current) {
      // Which group holds the product's real rows is anyone's guess: refused, and so the product is skipped.
      refuse(report, [`Handle ${slug} already appeared on row ${known.product.rows[0]!.row}, before other products: a product's rows must follow one another.`]);
      known.product.rows.push(report);
      continue;
    }
    if (!known) {
      current = startProduct(row, slug, report);
      bySlug.set(slug, { product: current, names: readOptionNames(row, report) });
      products.push(current);
    } else known.product.rows.push(report);
    readRow(row, bySlug.get(slug)!, report, local);
  }
  for (const product of products) checkVariantSet(product);
  checkSkusAcrossFile(products);
  return { columns: parsed.columns, products, strayRows };
}

/**
 * The export writes this store's own images (uploads, kept as paths like /media/…) as full
 * addresses; reading them back as paths makes them the same images again, not copies.
 */
function localizer(appUrl: string | undefined): (url: string) => string {
  const origin = appUrl ? new URL(appUrl).origin : undefined;
  return (url) => (origin && url.startsWith(`${origin}/`) ? url.slice(origin.length) : url);
}

function startProduct(row: CsvRow, slug: string, report: RowDraft): ProductDraft {
  if (row.cells.handle !== slug) report.notes.push({ tone: 'info', text: `Handle "${row.cells.handle}" is used as ${slug}.` });
  const fields = readProductFields(row, report);
  return { slug, rows: [report], ...(fields ? { fields } : {}), optionNames: [], variants: [], images: [] };
}

function readRow(row: CsvRow, { product, names }: { product: ProductDraft; names: (string | undefined)[] }, report: RowDraft, local: (url: string) => string): void {
  const isFirst = product.rows[0] === report;
  const variant = describesVariant(row) ? readVariant(row, product.slug, names, report) : undefined;
  if (variant?.imageUrl) variant.imageUrl = local(variant.imageUrl);
  if (variant) product.variants.push(variant);
  const image = hasImage(row) ? readImage(row, report) : undefined;
  if (image) product.images.push({ ...image, url: local(image.url) });
  if (isFirst) {
    product.optionNames = names.filter((name): name is string => name !== undefined);
    return;
  }
  if (!describesVariant(row) && !hasImage(row)) {
    const ignored = row.ignored.length > 0 ? ` (it holds only ${row.ignored.slice(0, 4).join(', ')}${row.ignored.length > 4 ? '…' : ''})` : '';
    report.notes.push({ tone: 'warning', text: `Nothing on this row is imported${ignored}.` });
  }
}

const usesTitleOption = (product: ProductDraft): boolean => product.variants.some((variant) => Object.keys(variant.options).some((name) => name.toLowerCase() === 'title'));

/** Two variants of one product with the same options could not be told apart by shoppers. */
function checkVariantSet(product: ProductDraft): void {
  // "Title" valued "Default Title" is how Shopify writes a product without options.
  product.optionNames = product.optionNames.filter((name) => name.toLowerCase() !== 'title' || usesTitleOption(product));
  const seen = new Map<string, number>();
  product.variants = product.variants.filter((variant) => {
    const key = JSON.stringify(Object.entries(variant.options).map(([name, value]) => [name.toLowerCase(), value.toLowerCase()]));
    const first = seen.get(key);
    if (first === undefined) return seen.set(key, variant.row), true;
    const described = Object.entries(variant.options).map(([name, value]) => `${name} ${value}`).join(', ') || 'no options';
    refuse(rowOf(product, variant.row), [`Same options (${described}) as row ${first}: a product's variants must differ in their options.`]);
    return false;
  });
  if (product.fields && product.variants.length === 0 && product.rows.every((row) => !row.refused)) {
    product.rows[0]!.notes.push({ tone: 'info', text: 'No variant rows: only the product itself is read (a new product needs a row with a Variant Price).' });
  }
}

/** A SKU names one variant in the whole store: a second use in the file is refused with the first row's number. */
function checkSkusAcrossFile(products: ProductDraft[]): void {
  const firstUse = new Map<string, number>();
  for (const product of products) {
    product.variants = product.variants.filter((variant) => {
      const first = firstUse.get(variant.sku);
      if (first === undefined) return firstUse.set(variant.sku, variant.row), true;
      refuse(rowOf(product, variant.row), [`Variant SKU ${variant.sku} is already used on row ${first}.`]);
      return false;
    });
  }
}

function rowOf(product: ProductDraft, row: number): RowDraft {
  return product.rows.find((report) => report.row === row)!;
}
