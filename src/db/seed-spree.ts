import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseMajorUnits } from '../lib/money.js';
import { slugify } from '../lib/slugs.js';
import type { SeedCategory, SeedProduct, SeedVariant } from './seed.js';

/** The columns of seed/spree/products.csv that the store uses. */
interface SpreeRow {
  slug: string;
  sku: string;
  name: string;
  price: string;
  compare_at_price: string;
  currency: string;
  description: string;
  category1: string;
  option1_name: string;
  option1_value: string;
  image1_src: string;
  weight: string;
  weight_unit: string;
  inventory_count: string;
}

const MINUTE_MS = 60_000;
const GRAMS_PER_UNIT: Record<string, number> = { g: 1, kg: 1000, lb: 453.59237, oz: 28.349523125 };

export function spreeCategoryKey(path: string): string {
  return `spree:${path}`;
}

/** Reads Spree's appliance catalog: one product per slug, its USD rows as variants. */
export function readSpree(seedDir: string, now: Date): SeedProduct[] {
  const rows = parse(readFileSync(join(seedDir, 'spree', 'products.csv')), { columns: true, skip_empty_lines: true }) as SpreeRow[];
  return [...groupBySlug(rows).values()].map((group, index) => toSeedProduct(group, now, index));
}

function groupBySlug(rows: SpreeRow[]): Map<string, SpreeRow[]> {
  const groups = new Map<string, SpreeRow[]>();
  for (const row of rows) {
    const group = groups.get(row.slug);
    if (group) group.push(row);
    else groups.set(row.slug, [row]);
  }
  return groups;
}

function toSeedProduct(rows: SpreeRow[], now: Date, index: number): SeedProduct {
  const master = rows.find((row) => row.name !== '');
  if (!master) throw new Error(`Spree ${rows[0]?.slug}: no master row`);
  // EUR rows only add a second price to a USD variant; the store sells in one currency.
  const variantRows = rows.filter((row) => row.name === '' && row.currency === 'USD' && row.sku !== '');
  if (variantRows.length === 0) throw new Error(`Spree ${master.slug}: no USD variants`);
  return {
    slugBase: master.slug,
    name: master.name,
    // meta_title and meta_description advertise "Spree Commerce Demo"; only the description is used.
    description: master.description,
    brand: null,
    categoryKey: spreeCategoryKey(master.category1),
    optionNames: [...new Set(variantRows.map((row) => row.option1_name).filter((name) => name !== ''))],
    featured: false,
    // Newer than every DummyJSON product, in file order, so "newest" opens on appliances.
    createdAt: new Date(now.getTime() - (index + 1) * MINUTE_MS),
    images: master.image1_src ? [{ url: master.image1_src, alt: master.name }] : [],
    variants: variantRows.map((row) => toSeedVariant(row, master.name)),
  };
}

function toSeedVariant(row: SpreeRow, productName: string): SeedVariant {
  const priceCents = cents(row.price, row.sku);
  if (priceCents === undefined || priceCents <= 0) throw new Error(`Spree ${row.sku}: unusable price "${row.price}"`);
  // "0" and "" both mean no compare-at price; one at or below the price is no saving either.
  const compareAt = cents(row.compare_at_price, row.sku);
  const label = row.option1_value ? `${productName} – ${row.option1_value}` : productName;
  return {
    sku: row.sku,
    options: row.option1_name && row.option1_value ? { [row.option1_name]: row.option1_value } : {},
    priceCents,
    compareAtCents: compareAt !== undefined && compareAt > priceCents ? compareAt : null,
    stock: row.inventory_count ? Number.parseInt(row.inventory_count, 10) : 0,
    weightGrams: grams(row.weight, row.weight_unit),
    image: row.image1_src ? { url: row.image1_src, alt: label } : null,
  };
}

function cents(text: string, sku: string): number | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseMajorUnits(text);
  if (parsed === undefined) throw new Error(`Spree ${sku}: "${text}" is not an amount`);
  return parsed;
}

/** Weight is not money: a float product, rounded to whole grams, is exact enough. */
function grams(weight: string, unit: string): number | null {
  if (weight.trim() === '') return null;
  const factor = GRAMS_PER_UNIT[unit.trim().toLowerCase()];
  const value = Number(weight);
  if (factor === undefined || !Number.isFinite(value) || value < 0) return null;
  return Math.round(value * factor);
}

/** Spree's "Top -> Leaf" paths as a tree, in the order the file first names them. */
export function spreeCategoryTree(products: SeedProduct[]): SeedCategory[] {
  const roots: SeedCategory[] = [];
  for (const { categoryKey } of products) {
    const names = categoryKey.slice('spree:'.length).split('->').map((part) => part.trim());
    let siblings = roots;
    names.forEach((name, depth) => {
      let node = siblings.find((candidate) => candidate.name === name);
      if (!node) siblings.push((node = { slug: slugify(name), name, children: [] }));
      if (depth === names.length - 1) node.key = categoryKey;
      siblings = node.children ??= [];
    });
  }
  return roots;
}
