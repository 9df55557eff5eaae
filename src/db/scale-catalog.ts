import { sql, type Transaction } from 'kysely';
import { slugify, uniqueSlug } from '../lib/slugs.js';
import type { Db } from './database.js';
import type { Database, VariantOptions } from './schema.js';

/**
 * Grows a seeded demo catalog to N products for benchmarks and for trying the shop at a
 * realistic size (`npm run db:scale -- --products 50000`). Every new product is a variation
 * of a demo product: its name with a colour, an adjective or a model suffix, a brand from
 * the same department, the demo description's sentences, options a shopper expects there
 * (sizes for clothes and shoes, storage for phones, volume for fragrances, colours…), prices
 * around the demo price, stock, pictures. Searches for "iphone", "laptop", "mascara" or
 * "red dress" therefore still mean something at 50,000 products.
 *
 * Deterministic: product number i is drawn from its own PRNG seeded by (seed, i), so the
 * same seed over the same demo catalog gives the same products, whatever the batch size,
 * and growing to 1,000 then to 2,000 gives what growing to 2,000 at once gives.
 *
 * Fast: multi-row inserts of a few thousand rows per statement in one transaction. The
 * per-row triggers that rewrite a product (its search fields; its variants' price/stock
 * summary and search document) are switched off for that transaction only, and what they
 * compute (product_search_document, category_search_names, the aggregate
 * refresh_product_summary runs) is then written by one UPDATE of the new products, so every
 * product ends as the triggers would have left it (the tests check it against the functions
 * themselves). Every constraint (foreign keys, checks, unique slugs and
 * SKUs) stays on. The statement-level triggers that keep the search vocabulary run as usual.
 */

export interface ScaleOptions {
  /** The number of products the catalog should have in all. */
  products: number;
  /** The PRNG seed; the same seed gives the same catalog. */
  seed?: number;
  /** Called after each batch of products with how many of the new ones are in. */
  onProgress?: (inserted: number, total: number) => void;
}

export interface ScaleSummary {
  /** Products before and after. */
  before: number;
  after: number;
  /** What this run added. */
  products: number;
  variants: number;
  images: number;
}

export class CatalogNotSeededError extends Error {
  override name = 'CatalogNotSeededError';
  constructor() {
    super('The catalog has no products to grow from: load the demo catalog first (npm run db:seed), then scale it.');
  }
}

export const DEFAULT_SCALE_SEED = 20261123;
/** Generated SKUs look like SMA-APP-004213-2: department, brand, product number, variant. */
export const GENERATED_SKU_PATTERN = '^[A-Z]{3}-[A-Z0-9]{3}-[0-9]{6,}-[0-9]+$';
const PRODUCT_BATCH = 2_000;
const MAX_VARIANTS = 8;
const DAY_MS = 86_400_000;
/**
 * Switched off while the new rows go in, for this transaction only, and made up for by one
 * UPDATE at the end: the products' search fields (computed once, when the variants are in)
 * and the variants' two triggers that rewrite their product on every row.
 */
const PER_ROW_TRIGGERS = [
  ['products', 'products_search'],
  ['product_variants', 'product_variants_summary'],
  ['product_variants', 'product_variants_search'],
] as const;
/** From this many new products on, the GIN search indexes are rebuilt rather than updated. */
const REBUILD_INDEXES_FROM = 2_000;

type Trx = Transaction<Database>;
type Rng = () => number;

interface Template {
  id: number;
  name: string;
  brand: string | null;
  description: string;
  categoryId: number;
  leaf: string;
  root: string;
  optionNames: string[];
  variants: { price_cents: number; options: VariantOptions; weight_grams: number | null }[];
  images: string[];
}

interface Department {
  root: string;
  brands: string[];
  /** Sentences from the department's descriptions that do not name their own product. */
  sentences: string[];
}

interface GeneratedProduct {
  index: number;
  name: string;
  brand: string | null;
  description: string;
  categoryId: number;
  optionNames: string[];
  active: boolean;
  createdAt: Date;
  images: { url: string; alt: string }[];
  variants: { sku: string; options: VariantOptions; priceCents: number; compareAtCents: number | null; stock: number; weightGrams: number | null }[];
}

// ---- a small, fast, seedable PRNG (mulberry32) and helpers ----

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export function rngFor(seed: number, index: number): Rng {
  let state = mix(seed >>> 0, index >>> 0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const chance = (rng: Rng, p: number) => rng() < p;
const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

/** A run of `count` neighbouring values (sizes S–L, storage 128–512 GB). */
function run<T>(rng: Rng, values: readonly T[], min: number, max: number): T[] {
  const count = Math.min(values.length, between(rng, min, max));
  const start = between(rng, 0, values.length - count);
  return values.slice(start, start + count);
}

/** `count` different values, in the list's order. */
function some<T>(rng: Rng, values: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, values.length)) chosen.add(Math.floor(rng() * values.length));
  return [...chosen].sort((a, b) => a - b).map((index) => values[index] as T);
}

/** Index into a list of n with Zipf-like weights: a few big entries, a long tail. */
function zipfIndex(rng: Rng, cumulative: number[]): number {
  const target = rng() * (cumulative.at(-1) ?? 0);
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] ?? 0) < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

function zipfCumulative(n: number, exponent: number): number[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 1; rank <= n; rank++) cumulative.push((sum += 1 / rank ** exponent));
  return cumulative;
}

// ---- words ----

const COLOURS = ['Black', 'White', 'Red', 'Navy', 'Blue', 'Green', 'Grey', 'Beige', 'Pink', 'Brown', 'Silver', 'Gold', 'Olive', 'Burgundy'];
const ADJECTIVES = ['Classic', 'Modern', 'Essential', 'Premium', 'Everyday', 'Deluxe', 'Compact', 'Vintage', 'Signature', 'Urban', 'Lightweight', 'Heritage'];
const ADJECTIVES_BY_ROOT: Record<string, string[]> = {
  electronics: ['Wireless', 'Smart', 'Ultra', 'Portable'],
  groceries: ['Organic', 'Fresh', 'Fairtrade', 'Farmhouse'],
  beauty: ['Natural', 'Hydrating', 'Long-lasting', 'Vegan'],
  appliances: ['Smart', 'Quiet', 'Cordless', 'Energy-saving'],
  'sports-and-outdoors': ['Pro', 'Training', 'All-weather'],
};
const SUFFIXES_BY_ROOT: Record<string, string[]> = {
  electronics: ['Pro', 'Plus', 'Max', 'Mini', 'Lite', 'II', 'SE', '2nd Gen'],
  appliances: ['Pro', 'Plus', 'Mini', 'XL', 'II', 'Series 3', 'Series 5'],
  fashion: ['Slim Fit', 'Relaxed Fit', 'Limited Edition', 'Collection'],
  beauty: ['Travel Size', 'Gift Set', 'Limited Edition', 'Refill'],
  groceries: ['Family Pack', 'Value Pack', 'Multipack'],
  'home-and-kitchen': ['Set', 'Collection', 'Large', 'Small'],
  vehicles: ['Sport', 'Touring', 'GT', 'Limited'],
  'sports-and-outdoors': ['Pro', 'Junior', 'Club', 'Match'],
};
const BRAND_STEMS = ['Nord', 'Casa', 'Urban', 'Blue', 'Silver', 'Green', 'Royal', 'Alpine', 'Lumen', 'Terra', 'Vita', 'Aero', 'Nova', 'Prime', 'Atlas', 'Pure', 'Bright', 'Oak', 'Maple', 'Coast'];
const BRAND_ENDS = ['field', 'craft', 'works', ' & Co.', 'ware', 'line', ' Home', 'tech', ' Labs', ' Studio', 'wood', 'stone', ' Goods', ' Supply'];

const APPAREL_SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const SHOE_SIZES = ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46'];
const STORAGE = ['64 GB', '128 GB', '256 GB', '512 GB', '1 TB'];
const SHADES = ['Nude', 'Rose', 'Ruby Red', 'Coral', 'Berry', 'Mocha', 'Ivory', 'Sand'];

interface OptionPlan {
  names: string[];
  combos: VariantOptions[];
  /** Price multiplier per combination (bigger storage or bottle costs more). */
  factors: number[];
}

/** The options a shopper expects for products of this leaf category. */
function optionPlan(rng: Rng, template: Template): OptionPlan {
  const colours = (min: number, max: number) => {
    const own = template.variants.map((variant) => variant.options.Color).filter((value): value is string => Boolean(value));
    return some(rng, [...new Set([...own, ...COLOURS])], between(rng, min, max));
  };
  const axes: { name: string; values: string[]; step: number }[] = [];
  switch (template.leaf) {
    case 'mens-shirts':
    case 'tops':
    case 'womens-dresses':
      axes.push({ name: 'Size', values: run(rng, APPAREL_SIZES, 3, 5), step: 0 });
      if (chance(rng, 0.5)) axes.unshift({ name: 'Color', values: colours(1, 2), step: 0 });
      break;
    case 'mens-shoes':
    case 'womens-shoes':
      axes.push({ name: 'Size', values: run(rng, SHOE_SIZES, 4, 6), step: 0 });
      break;
    case 'smartphones':
    case 'tablets':
    case 'laptops':
      axes.push({ name: 'Storage', values: run(rng, STORAGE, 1, 3), step: 0.15 });
      axes.push({ name: 'Color', values: colours(1, 2), step: 0 });
      break;
    case 'fragrances':
      axes.push({ name: 'Size', values: run(rng, ['30 ml', '50 ml', '100 ml'], 1, 3), step: 0.4 });
      break;
    case 'skin-care':
      axes.push({ name: 'Size', values: run(rng, ['50 ml', '200 ml', '400 ml'], 1, 2), step: 0.5 });
      break;
    case 'makeup':
      axes.push({ name: 'Shade', values: some(rng, SHADES, between(rng, 1, 4)), step: 0 });
      break;
    case 'groceries':
      if (chance(rng, 0.5)) axes.push({ name: 'Size', values: run(rng, ['250 g', '500 g', '1 kg', '2 kg'], 1, 3), step: 0.8 });
      break;
    case 'sports-accessories':
      if (chance(rng, 0.4)) axes.push({ name: 'Size', values: run(rng, ['S', 'M', 'L'], 2, 3), step: 0 });
      break;
    default:
      // Watches, bags, jewellery, furniture, kitchen, appliances, vehicles: colours, or none.
      if (template.optionNames.includes('Color') || chance(rng, 0.6)) axes.push({ name: 'Color', values: colours(1, 3), step: 0 });
  }
  let combos: { options: VariantOptions; factor: number }[] = [{ options: {}, factor: 1 }];
  for (const axis of axes) {
    combos = combos.flatMap((combo) =>
      axis.values.map((value, index) => ({ options: { ...combo.options, [axis.name]: value }, factor: combo.factor * (1 + axis.step * index) })),
    );
  }
  combos = combos.slice(0, MAX_VARIANTS);
  return { names: axes.map((axis) => axis.name), combos: combos.map((combo) => combo.options), factors: combos.map((combo) => combo.factor) };
}

/** A price that looks like a price: $x.99 above $10, whole cents below. */
function shelfPrice(cents: number): number {
  if (cents < 1_000) return Math.max(99, Math.round(cents));
  return Math.max(1_099, Math.round(cents / 100) * 100 - 1);
}

function codeOf(text: string | null, fallback: string): string {
  const letters = (text ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return (letters + fallback).slice(0, 3);
}

/** Product number `index` (1-based across generated products), drawn from its own PRNG. */
function generateProduct(index: number, seed: number, plan: CatalogPlan): GeneratedProduct {
  const rng = rngFor(seed, index);
  const leafIndex = zipfIndex(rng, plan.leafWeights);
  const templates = plan.templatesByLeaf[leafIndex] ?? [];
  const template = pick(rng, templates);
  const department = plan.departments.get(template.root);
  const variantsPlan = optionPlan(rng, template);

  // Brand: the demo product's own (an iPhone stays Apple); a product without one gets one of
  // its department's brands most of the time.
  let brand = template.brand;
  if (brand === null && department && department.brands.length > 0 && chance(rng, 0.7)) {
    brand = department.brands[zipfIndex(rng, plan.brandWeights.get(template.root) ?? [1])] ?? null;
  }

  // Name: [colour] [adjective] demo name [suffix].
  const words: string[] = [];
  const colourless = !variantsPlan.names.includes('Color') && !variantsPlan.names.includes('Shade');
  if (colourless && !COLOURS.some((colour) => template.name.toLowerCase().includes(colour.toLowerCase())) && ['fashion', 'home-and-kitchen', 'beauty', 'sports-and-outdoors'].includes(template.root) && chance(rng, 0.35)) words.push(pick(rng, COLOURS));
  if (chance(rng, 0.45)) words.push(pick(rng, [...ADJECTIVES, ...(ADJECTIVES_BY_ROOT[template.root] ?? [])]));
  words.push(template.name);
  const suffixes = SUFFIXES_BY_ROOT[template.root];
  if (suffixes && chance(rng, 0.4)) words.push(pick(rng, suffixes));
  if (['electronics', 'appliances'].includes(template.root) && chance(rng, 0.3)) words.push(`${pick(rng, ['X', 'S', 'A', 'Z'])}${between(rng, 2, 99) * 10}`);
  const name = words.join(' ').replace(/\s+/g, ' ').trim();

  const own = template.description.split(template.name).join(name);
  const extra = department && department.sentences.length > 0 && chance(rng, 0.7) ? ` ${pick(rng, department.sentences)}` : '';
  const description = `${own}${extra}`.trim();

  const basePrice = Math.min(...template.variants.map((variant) => variant.price_cents));
  const priceScale = Math.exp((rng() - 0.5) * 1.2); // about ×0.55 to ×1.8
  const discounted = chance(rng, 0.2);
  const discount = 1.15 + rng() * 0.35;
  const soldOut = chance(rng, 0.08);
  const weight = template.variants[0]?.weight_grams ?? null;
  const department3 = codeOf(template.leaf, 'XXX');
  const brand3 = codeOf(brand, 'GEN');
  const variants = variantsPlan.combos.map((options, position) => {
    const priceCents = shelfPrice(basePrice * priceScale * (variantsPlan.factors[position] ?? 1));
    return {
      sku: `${department3}-${brand3}-${String(index).padStart(6, '0')}-${position + 1}`,
      options,
      priceCents,
      compareAtCents: discounted ? shelfPrice(priceCents * discount) : null,
      stock: soldOut || chance(rng, 0.1) ? 0 : Math.floor(1 + 150 * rng() ** 2),
      weightGrams: weight,
    };
  });

  const pictures = template.images.length ? template.images.slice(0, between(rng, 1, Math.min(4, template.images.length))) : [];
  return {
    index,
    name,
    brand,
    description,
    categoryId: template.categoryId,
    optionNames: variantsPlan.names,
    active: !chance(rng, 0.02),
    createdAt: new Date(plan.anchor - Math.floor(rng() * 730 * DAY_MS)),
    images: pictures.map((url, position) => ({ url, alt: position === 0 ? name : `${name} – view ${position + 1}` })),
    variants,
  };
}

// ---- reading the demo catalog ----

interface CatalogPlan {
  templatesByLeaf: Template[][];
  leafWeights: number[];
  departments: Map<string, Department>;
  brandWeights: Map<string, number[]>;
  /** Generated products are created in the two years before the newest demo product. */
  anchor: number;
}

async function loadTemplates(trx: Trx): Promise<Template[]> {
  const categories = await trx.selectFrom('categories').select(['id', 'slug', 'parent_id']).execute();
  const byId = new Map(categories.map((category) => [category.id, category]));
  const rootOf = (id: number): string => {
    let node = byId.get(id);
    for (let depth = 0; node && node.parent_id !== null && depth < 32; depth++) node = byId.get(node.parent_id);
    return node?.slug ?? 'other';
  };
  const { rows } = await sql<{
    id: number;
    name: string;
    brand: string | null;
    description: string;
    category_id: number;
    option_names: string[];
    variants: Template['variants'];
    images: string[] | null;
  }>`
    SELECT p.id, p.name, p.brand, p.description, p.category_id, p.option_names,
      (SELECT json_agg(json_build_object('price_cents', v.price_cents, 'options', v.options, 'weight_grams', v.weight_grams) ORDER BY v.position, v.id)
         FROM product_variants v WHERE v.product_id = p.id AND v.active) AS variants,
      (SELECT json_agg(i.url ORDER BY i.position, i.id) FROM product_images i WHERE i.product_id = p.id AND i.variant_id IS NULL) AS images
    FROM products p
    WHERE p.active AND p.category_id IS NOT NULL AND p.price_min_cents IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM product_variants g WHERE g.product_id = p.id AND g.sku ~ ${GENERATED_SKU_PATTERN})
    ORDER BY p.id`.execute(trx);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    brand: row.brand,
    description: row.description,
    categoryId: row.category_id,
    leaf: byId.get(row.category_id)?.slug ?? 'other',
    root: rootOf(row.category_id),
    optionNames: row.option_names,
    variants: typeof row.variants === 'string' ? JSON.parse(row.variants) : row.variants,
    images: (typeof row.images === 'string' ? JSON.parse(row.images) : row.images) ?? [],
  }));
}

function planCatalog(templates: Template[], seed: number, anchor: number): CatalogPlan {
  const rng = rngFor(seed, 0);
  const byLeaf = new Map<number, Template[]>();
  for (const template of templates) byLeaf.set(template.categoryId, [...(byLeaf.get(template.categoryId) ?? []), template]);
  // Which leaf is big and which is in the long tail is drawn from the seed, not from the demo's sizes.
  const leaves = [...byLeaf.values()].map((list) => ({ list, order: rng() })).sort((a, b) => a.order - b.order);

  const departments = new Map<string, Department>();
  for (const template of templates) {
    const department = departments.get(template.root) ?? { root: template.root, brands: [], sentences: [] };
    if (template.brand && !template.name.toLowerCase().includes(template.brand.toLowerCase()) && !department.brands.includes(template.brand)) {
      department.brands.push(template.brand);
    }
    const sentences = template.description.match(/[^.!?]+[.!?]/g) ?? [];
    const nameWords = template.name.toLowerCase().split(/\s+/);
    for (const sentence of sentences.slice(1)) {
      const lower = sentence.toLowerCase();
      if (!nameWords.some((word) => word.length > 3 && lower.includes(word))) department.sentences.push(sentence.trim());
    }
    departments.set(template.root, department);
  }
  const brandWeights = new Map<string, number[]>();
  for (const department of [...departments.values()].sort((a, b) => a.root.localeCompare(b.root))) {
    // House brands of the department, made from stems and endings: 12 to 24 per department.
    const invented = new Set<string>();
    const wanted = between(rng, 12, 24);
    while (invented.size < wanted) invented.add(`${pick(rng, BRAND_STEMS)}${pick(rng, BRAND_ENDS)}`);
    department.brands = [...department.brands.sort(), ...[...invented].filter((brand) => !department.brands.includes(brand))];
    // Shuffle so the popular brands are a mix of demo and house brands.
    department.brands = department.brands.map((brand) => ({ brand, order: rng() })).sort((a, b) => a.order - b.order).map((entry) => entry.brand);
    brandWeights.set(department.root, zipfCumulative(department.brands.length, 1));
  }
  return { templatesByLeaf: leaves.map((leaf) => leaf.list), leafWeights: zipfCumulative(leaves.length, 0.6), departments, brandWeights, anchor };
}

// ---- writing ----

/** Grows the catalog to `options.products` products; a catalog already that big is left alone. */
export async function scaleCatalog(db: Db, options: ScaleOptions): Promise<ScaleSummary> {
  const seed = options.seed ?? DEFAULT_SCALE_SEED;
  if (!Number.isSafeInteger(options.products) || options.products < 1) throw new RangeError('products must be a positive whole number');
  const summary = await db.transaction().execute(async (trx) => {
    // Like the seed: one writer of the catalog at a time.
    await sql`LOCK TABLE categories, products IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const before = await countProducts(trx);
    const templates = await loadTemplates(trx);
    if (before === 0 || templates.length === 0) throw new CatalogNotSeededError();
    const wanted = options.products - before;
    if (wanted <= 0) return { before, after: before, products: 0, variants: 0, images: 0 };

    const { rows: numbering } = await sql<{ generated: number; anchor: Date }>`
      SELECT
        (SELECT count(DISTINCT product_id) FROM product_variants WHERE sku ~ ${GENERATED_SKU_PATTERN})::integer AS generated,
        (SELECT max(created_at) FROM products) AS anchor`.execute(trx);
    const firstIndex = (numbering[0]?.generated ?? 0) + 1;
    const anchor = new Date(numbering[0]?.anchor ?? 0).getTime();
    const plan = planCatalog(templates, seed, anchor);
    const taken = new Set((await trx.selectFrom('products').select('slug').execute()).map((row) => row.slug));

    for (const [table, trigger] of PER_ROW_TRIGGERS) await sql`ALTER TABLE ${sql.table(table)} DISABLE TRIGGER ${sql.id(trigger)}`.execute(trx);
    // Adding thousands of rows, building the search indexes afresh beats updating them row by
    // row (each row puts a hundred words and trigrams in them): dropped here, and made again
    // from their own definitions at the end, in the same transaction.
    const { rows: searchIndexes } =
      wanted >= REBUILD_INDEXES_FROM
        ? await sql<{ name: string; definition: string }>`
            SELECT indexname AS name, indexdef AS definition FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = 'products' AND indexdef LIKE '% USING gin %'
            ORDER BY indexname`.execute(trx)
        : { rows: [] };
    for (const index of searchIndexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(trx);
    let variants = 0;
    let images = 0;
    let firstId: number | undefined;
    for (let done = 0; done < wanted; done += PRODUCT_BATCH) {
      const batch: GeneratedProduct[] = [];
      for (let k = done; k < Math.min(wanted, done + PRODUCT_BATCH); k++) batch.push(generateProduct(firstIndex + k, seed, plan));
      const written = await insertBatch(trx, batch, taken);
      firstId ??= written.firstId;
      variants += written.variants;
      images += written.images;
      options.onProgress?.(Math.min(wanted, done + PRODUCT_BATCH), wanted);
    }
    // What the switched-off triggers would have done, in one set-based pass over the new
    // products: the search fields as products_search_trigger and product_search_document
    // compute them, the summary as refresh_product_summary does (the same expressions; the
    // tests compare every product with the functions themselves). Calling the functions per
    // product costs twice as long, and per row, as the triggers would, minutes at 50,000.
    // The vocabulary's statement trigger sees search_text go from '' to the words here.
    await sql`
      WITH category_names AS (
        SELECT id, category_search_names(id) AS names FROM categories
      ), variant_summary AS (
        SELECT
          product_id,
          min(price_cents) AS price_min,
          max(price_cents) AS price_max,
          coalesce(sum(stock), 0)::integer AS stock,
          (array_agg(CASE WHEN compare_at_cents > price_cents THEN compare_at_cents END ORDER BY price_cents, position, id))[1] AS compare_at,
          string_agg(sku || ' ' || coalesce((SELECT string_agg(value, ' ') FROM jsonb_each_text(options)), ''), ' ' ORDER BY position, id) AS words
        FROM product_variants WHERE product_id >= ${firstId} AND active
        GROUP BY product_id
      )
      UPDATE products p SET
        search_document =
          setweight(to_tsvector('english', coalesce(p.name, '')), 'A') ||
          setweight(to_tsvector('english', coalesce(p.brand, '') || ' ' || c.names), 'B') ||
          setweight(to_tsvector('english', coalesce(p.description, '')), 'C') ||
          setweight(to_tsvector('simple', coalesce(s.words, '')), 'D'),
        search_text = lower(concat_ws(' ', p.name, p.brand, c.names)),
        price_min_cents = s.price_min,
        price_max_cents = s.price_max,
        compare_at_cents = s.compare_at,
        stock_total = s.stock
      FROM variant_summary s, category_names c
      WHERE p.id = s.product_id AND c.id = p.category_id`.execute(trx);
    for (const index of searchIndexes) await sql.raw(index.definition).execute(trx);
    for (const [table, trigger] of PER_ROW_TRIGGERS) await sql`ALTER TABLE ${sql.table(table)} ENABLE TRIGGER ${sql.id(trigger)}`.execute(trx);
    return { before, after: before + wanted, products: wanted, variants, images };
  });
  // Fresh statistics (and no dead rows from the summary updates) before anyone plans a query.
  if (summary.products > 0) for (const table of ['products', 'product_variants', 'product_images', 'search_vocabulary']) await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
  return summary;
}

async function countProducts(trx: Trx): Promise<number> {
  const row = await trx.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function insertBatch(trx: Trx, batch: GeneratedProduct[], taken: Set<string>): Promise<{ firstId: number; variants: number; images: number }> {
  const slugs = batch.map((product) => uniqueSlug(slugify(product.name) || 'product', taken));
  const inserted = await trx
    .insertInto('products')
    .values(
      batch.map((product, position) => ({
        slug: slugs[position] as string,
        name: product.name,
        description: product.description,
        brand: product.brand,
        category_id: product.categoryId,
        active: product.active,
        option_names: product.optionNames,
        created_at: product.createdAt,
        updated_at: product.createdAt,
      })),
    )
    .returning(['id', 'slug'])
    .execute();
  const idBySlug = new Map(inserted.map((row) => [row.slug, row.id]));
  const productId = (position: number) => {
    const id = idBySlug.get(slugs[position] as string);
    if (id === undefined) throw new Error(`scale: no id came back for ${slugs[position]}`);
    return id;
  };
  const variantRows = batch.flatMap((product, position) =>
    product.variants.map((variant, variantPosition) => ({
      product_id: productId(position),
      sku: variant.sku,
      options: JSON.stringify(variant.options),
      price_cents: variant.priceCents,
      compare_at_cents: variant.compareAtCents,
      stock: variant.stock,
      weight_grams: variant.weightGrams,
      position: variantPosition,
      created_at: product.createdAt,
      updated_at: product.createdAt,
    })),
  );
  const imageRows = batch.flatMap((product, position) => product.images.map((image, imagePosition) => ({ product_id: productId(position), variant_id: null, ...image, position: imagePosition })));
  // At most ~65,000 parameters per statement: 10 per variant row, 5 per image row.
  for (const rows of chunks(variantRows, 5_000)) await trx.insertInto('product_variants').values(rows).execute();
  for (const rows of chunks(imageRows, 10_000)) await trx.insertInto('product_images').values(rows).execute();
  return { firstId: Math.min(...inserted.map((row) => row.id)), variants: variantRows.length, images: imageRows.length };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
