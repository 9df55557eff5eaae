import type { ExistingImage, ExistingProduct, ExistingVariant } from './catalog-state.js';
import type { Field } from './columns.js';
import type { ImageDraft, ProductDraft, VariantDraft } from './draft-types.js';
import type { ImageWrite, ProductValues, ProductWrite, VariantWrite } from './plan-types.js';

/**
 * One product: the file's wishes laid over what the catalog holds, and what must be written.
 * A field whose column the file lacks keeps its value; variants and images the file does not
 * name are left alone (and keep their order after the ones it names).
 */

export interface ProductDiff {
  write: ProductWrite | null;
  /** What will change, by row: "Changes: price, stock." */
  rowNotes: Map<number, string[]>;
}

export function diffProduct(draft: ProductDraft, existing: ExistingProduct | undefined, columns: ReadonlySet<Field>, category: string | null): ProductDiff {
  const values = desiredValues(draft, existing, columns, category);
  const variantNotes = new Map<number, string>();
  const variants = diffVariants(draft.variants, existing?.variants ?? [], existing !== undefined, variantNotes);
  const images = desiredImages(draft, existing, columns, variants.idBySku);
  const changedFields = existing ? productChanges(values, existing) : [];
  if (existing && images.changed) changedFields.push('images');
  const rowNotes = new Map<number, string[]>();
  if (existing && changedFields.length > 0) rowNotes.set(draft.rows[0]!.row, [`Changes: ${changedFields.join(', ')}.`]);
  for (const [row, note] of variantNotes) rowNotes.set(row, [...(rowNotes.get(row) ?? []), note]);
  const write: ProductWrite = {
    outcome: existing ? 'update' : 'create',
    id: existing?.id ?? null,
    slug: draft.slug,
    values: !existing || productChanges(values, existing).length > 0 ? values : null,
    variants: variants.writes,
    images: images.writes,
    rowCount: draft.rows.length,
  };
  const unchanged = existing && write.values === null && write.variants.length === 0 && write.images.length === 0;
  return { write: unchanged ? null : write, rowNotes };
}

function desiredValues(draft: ProductDraft, existing: ExistingProduct | undefined, columns: ReadonlySet<Field>, category: string | null): ProductValues {
  const fields = draft.fields!;
  const pick = <T>(wish: T | undefined, kept: T | undefined, fallback: T): T => (wish !== undefined ? wish : kept !== undefined ? kept : fallback);
  return {
    name: fields.name,
    description: pick(fields.description, existing?.description, ''),
    brand: pick(fields.brand, existing?.brand, null),
    category,
    active: pick(fields.active, existing?.active, true),
    option_names: columns.has('option1Name') || !existing ? draft.optionNames : existing.option_names,
    tags: pick(fields.tags, existing?.tags, []),
    seo_title: pick(fields.seoTitle, existing?.seo_title, null),
    seo_description: pick(fields.seoDescription, existing?.seo_description, null),
  };
}

/** The names of the product's own fields that differ; '' and NULL count as the same "nothing". */
function productChanges(values: ProductValues, existing: ExistingProduct): string[] {
  const blank = (value: string | null) => value || null;
  const changes: [string, boolean][] = [
    ['Title', values.name !== existing.name],
    ['Body', values.description !== existing.description],
    ['Vendor', blank(values.brand) !== blank(existing.brand)],
    ['category', values.category !== (existing.category_id === null ? null : `id:${existing.category_id}`)],
    ['Status', values.active !== existing.active],
    ['options', JSON.stringify(values.option_names) !== JSON.stringify(existing.option_names)],
    ['Tags', JSON.stringify(values.tags) !== JSON.stringify(existing.tags)],
    ['SEO Title', blank(values.seo_title) !== blank(existing.seo_title)],
    ['SEO Description', blank(values.seo_description) !== blank(existing.seo_description)],
  ];
  return changes.filter(([, changed]) => changed).map(([name]) => name);
}

/** A compare-at price at or below the price shows no sale: the same as none. */
const effectiveCompareAt = (price: number, compareAt: number | null) => (compareAt !== null && compareAt > price ? compareAt : null);

function diffVariants(drafts: VariantDraft[], existing: ExistingVariant[], isUpdate: boolean, rowNotes: Map<number, string>): { writes: VariantWrite[]; idBySku: Map<string, number> } {
  const named = new Map(drafts.map((draft) => [draft.sku, draft]));
  const bySku = new Map(existing.map((variant) => [variant.sku, variant]));
  const order = inFileOrder(drafts.map((draft) => draft.sku), existing.map((variant) => variant.sku));
  const writes: VariantWrite[] = [];
  order.forEach((sku, position) => {
    const draft = named.get(sku);
    const was = bySku.get(sku);
    const write = draft ? variantWrite(draft, was, position) : keptVariant(was!, position);
    const changes = was ? variantChanges(write, was) : [];
    if (draft && !was && isUpdate) rowNotes.set(draft.row, 'New variant.');
    if (draft && changes.length > 0) rowNotes.set(draft.row, `Changes: ${changes.join(', ')}.`);
    if (!was || changes.length > 0) writes.push(write);
  });
  return { writes, idBySku: new Map(existing.map((variant) => [variant.sku, variant.id])) };
}

/**
 * The order to keep: the file's when it names everything the product has (so export → import
 * keeps the order); otherwise the present order, with what is new after it, so a file that
 * updates one variant does not move the others.
 */
export function inFileOrder<T>(inFile: T[], present: T[]): T[] {
  const namesAll = present.every((item) => inFile.includes(item));
  return namesAll ? inFile : [...present, ...inFile.filter((item) => !present.includes(item))];
}

const keptVariant = (was: ExistingVariant, position: number): VariantWrite => ({
  id: was.id,
  sku: was.sku,
  options: was.options,
  price_cents: was.price_cents,
  compare_at_cents: was.compare_at_cents,
  stock: undefined,
  weight_grams: was.weight_grams,
  position,
});

function variantWrite(draft: VariantDraft, was: ExistingVariant | undefined, position: number): VariantWrite {
  return {
    id: was?.id ?? null,
    sku: draft.sku,
    options: draft.options,
    price_cents: draft.priceCents,
    compare_at_cents: draft.compareAtCents !== undefined ? draft.compareAtCents : (was?.compare_at_cents ?? null),
    stock: draft.stock ?? (was ? undefined : 0),
    weight_grams: draft.weightGrams !== undefined ? draft.weightGrams : (was?.weight_grams ?? null),
    position,
  };
}

/** jsonb keeps its own key order, so options compare as sorted pairs. */
const sortedEntries = (options: Record<string, string>) => JSON.stringify(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function variantChanges(write: VariantWrite, was: ExistingVariant): string[] {
  const changes: [string, boolean][] = [
    ['options', sortedEntries(write.options) !== sortedEntries(was.options)],
    ['price', write.price_cents !== was.price_cents],
    ['compare-at price', effectiveCompareAt(write.price_cents, write.compare_at_cents) !== effectiveCompareAt(was.price_cents, was.compare_at_cents)],
    ['stock', write.stock !== undefined && write.stock !== was.stock],
    ['weight', write.weight_grams !== was.weight_grams],
    ['position', write.position !== was.position],
  ];
  return changes.filter(([, changed]) => changed).map(([name]) => name);
}

interface DesiredImage {
  was: ExistingImage | undefined;
  url: string;
  alt: string;
  variantSku: string | null;
  variantId: number | null;
}

/** The product's images: the file's, in Image Position order (then file order), and the ones it does not name. */
function desiredImages(draft: ProductDraft, existing: ExistingProduct | undefined, columns: ReadonlySet<Field>, idBySku: Map<string, number>): { writes: ImageWrite[]; changed: boolean } {
  const old = existing?.images ?? [];
  const linksInFile = columns.has('variantImage');
  const unmatched = [...old];
  const take = (url: string) => {
    const index = unmatched.findIndex((image) => image.url === url);
    return index < 0 ? undefined : unmatched.splice(index, 1)[0];
  };
  const sorted = [...draft.images].sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || a.row - b.row);
  const wanted: DesiredImage[] = sorted.map((image: ImageDraft) => {
    const was = take(image.url);
    return { was, url: image.url, alt: image.alt ?? was?.alt ?? '', variantSku: null, variantId: linksInFile ? null : (was?.variant_id ?? null) };
  });
  if (linksInFile) linkVariantImages(draft.variants, wanted, take);
  const kept = unmatched.map((was): DesiredImage => ({ was, url: was.url, alt: was.alt, variantSku: null, variantId: was.variant_id }));
  const byWas = new Map([...wanted, ...kept].filter((image) => image.was).map((image) => [image.was!, image]));
  const all = inFileOrder(wanted, old.map((was) => byWas.get(was)!));
  const writes: ImageWrite[] = [];
  all.forEach((image, position) => {
    const variantId = image.variantSku !== null ? (idBySku.get(image.variantSku) ?? null) : image.variantId;
    const relinked = variantId !== image.was?.variant_id || (image.variantSku !== null && !idBySku.has(image.variantSku));
    if (!image.was || image.alt !== image.was.alt || relinked || position !== image.was.position) {
      writes.push({ id: image.was?.id ?? null, url: image.url, alt: image.alt, position, variantSku: image.variantSku, variantId: image.variantSku === null ? image.variantId : null });
    }
  });
  return { writes, changed: writes.length > 0 };
}

/** Variant Image names one of the product's images: the first with that address not yet taken by another variant, or a new one. */
function linkVariantImages(variants: VariantDraft[], wanted: DesiredImage[], take: (url: string) => ExistingImage | undefined): void {
  for (const variant of variants) {
    if (!variant.imageUrl) continue;
    const free = wanted.find((image) => image.url === variant.imageUrl && image.variantSku === null);
    if (free) free.variantSku = variant.sku;
    else {
      const was = take(variant.imageUrl);
      wanted.push({ was, url: variant.imageUrl, alt: was?.alt ?? '', variantSku: variant.sku, variantId: null });
    }
  }
}
