import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMajorUnits } from '../lib/money.js';
import type { SeedImage, SeedProduct } from './seed.js';

/** The fields of seed/dummyjson/products.json that the store uses. */
interface DummyJsonProduct {
  id: number;
  title: string;
  description: string;
  category: string;
  price: number;
  discountPercentage: number;
  rating: number;
  stock: number;
  brand?: string;
  sku: string;
  weight: number;
  images: string[];
}

const HOUR_MS = 3_600_000;
const FEATURED_LIMIT = 12;
const FEATURED_MIN_RATING = 4.7;
/** Below this a "was" price looks like noise (the data has discounts from 0.04 %). */
const COMPARE_AT_MIN_DISCOUNT = 12;

export function dummyJsonCategoryKey(category: string): string {
  return `dummyjson:${category}`;
}

/** Reads DummyJSON's 194 single-variant products; `now` anchors their creation dates. */
export function readDummyJson(seedDir: string, now: Date): SeedProduct[] {
  const source = JSON.parse(readFileSync(join(seedDir, 'dummyjson', 'products.json'), 'utf8')) as DummyJsonProduct[];
  const featured = featuredIds(source);
  return source.map((product) => toSeedProduct(product, featured.has(product.id), now));
}

function toSeedProduct(product: DummyJsonProduct, featured: boolean, now: Date): SeedProduct {
  const priceCents = cents(product.price, product.sku);
  return {
    slugBase: product.title,
    name: product.title,
    description: product.description,
    brand: product.brand ?? null,
    categoryKey: dummyJsonCategoryKey(product.category),
    optionNames: [],
    featured,
    createdAt: createdAt(product.id, now),
    images: product.images.map((url, index): SeedImage => ({ url, alt: index === 0 ? product.title : `${product.title} – view ${index + 1}` })),
    variants: [
      {
        sku: product.sku,
        options: {},
        priceCents,
        compareAtCents: compareAtCents(priceCents, product.discountPercentage),
        stock: product.stock,
        // The source states no unit for weight (values 1–10); read as hundreds of grams,
        // every product weighs 100 g–1 kg, plausible for shipping rates on most of them.
        weightGrams: product.weight * 100,
        image: null,
      },
    ],
  };
}

function cents(amount: number, sku: string): number {
  const parsed = parseMajorUnits(String(amount));
  if (parsed === undefined || parsed <= 0) throw new Error(`DummyJSON ${sku}: unusable price ${amount}`);
  return parsed;
}

/**
 * The source gives today's price and a discount percentage, so the "was" price is
 * price / (1 - discount). Discounts have two decimals: work in hundredths of a percent
 * and round half up in integers, so no float ever touches money.
 */
export function compareAtCents(priceCents: number, discountPercentage: number): number | null {
  if (discountPercentage < COMPARE_AT_MIN_DISCOUNT) return null;
  const basisPoints = parseMajorUnits(String(discountPercentage));
  if (basisPoints === undefined || basisPoints >= 10_000) return null;
  const numerator = priceCents * 10_000;
  const denominator = 10_000 - basisPoints;
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/**
 * The source's own createdAt has only two distinct values, so "newest" would have no order.
 * Spread the products over the 90 days before `now`, one day back at least (the Spree
 * products are the newest), shuffled by a fixed permutation of the id (79 is coprime
 * with 194) so categories interleave and every run gives the same order.
 */
function createdAt(id: number, now: Date): Date {
  const rank = (id * 79) % 194;
  return new Date(now.getTime() - (24 + rank * 11) * HOUR_MS);
}

/**
 * The best-rated products at or above 4.7, one per category so the home page is not all
 * groceries, at most FEATURED_LIMIT (the Spree set has no ratings, so none of it is featured).
 */
function featuredIds(products: DummyJsonProduct[]): Set<number> {
  const best = new Map<string, DummyJsonProduct>();
  for (const product of products) {
    if (product.rating < FEATURED_MIN_RATING) continue;
    const current = best.get(product.category);
    if (!current || product.rating > current.rating) best.set(product.category, product);
  }
  const ranked = [...best.values()].sort((a, b) => b.rating - a.rating || a.id - b.id);
  return new Set(ranked.slice(0, FEATURED_LIMIT).map((product) => product.id));
}
