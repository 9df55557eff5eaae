import { describe, expect, it } from 'vitest';
import { optionGroups, pickVariant } from '../../src/catalog/variants.js';
import type { ProductVariant } from '../../src/db/schema.js';

const variant = (id: number, options: Record<string, string>, stock = 5): ProductVariant => ({
  id,
  product_id: 1,
  sku: `SKU-${id}`,
  options,
  price_cents: 1000,
  compare_at_cents: null,
  low_stock_threshold: null,
  stock,
  weight_grams: null,
  position: id,
  active: true,
  created_at: new Date(),
  updated_at: new Date(),
});

const variants = [
  variant(1, { Color: 'Red', Size: 'S' }, 0),
  variant(2, { Color: 'Red', Size: 'M' }),
  variant(3, { Color: 'Blue', Size: 'M' }),
];

describe('pickVariant', () => {
  it('takes the requested variant, else the first in stock, else the first', () => {
    expect(pickVariant(variants, 3).id).toBe(3);
    expect(pickVariant(variants, 1).id).toBe(1);
    expect(pickVariant(variants, 99).id).toBe(2);
    expect(pickVariant(variants, undefined).id).toBe(2);
    expect(pickVariant([variant(7, {}, 0)], undefined).id).toBe(7);
  });
});

describe('optionGroups', () => {
  it('keeps the product’s option order and links each value to the closest variant', () => {
    const groups = optionGroups(['Size', 'Color'], variants, variants[1]!);
    expect(groups.map((group) => group.name)).toEqual(['Size', 'Color']);
    const [size, color] = groups;
    expect(size!.choices).toEqual([
      { value: 'S', variantId: 1, selected: false, inStock: false },
      { value: 'M', variantId: 2, selected: true, inStock: true },
    ]);
    expect(color!.choices).toEqual([
      { value: 'Red', variantId: 2, selected: true, inStock: true },
      { value: 'Blue', variantId: 3, selected: false, inStock: true },
    ]);
  });

  it('falls back to any variant with the value when the exact combination does not exist', () => {
    const [size] = optionGroups(['Size', 'Color'], variants, variants[2]!);
    expect(size!.choices.find((choice) => choice.value === 'S')?.variantId).toBe(1);
  });

  it('has no groups for a product without options', () => {
    expect(optionGroups([], [variant(1, {})], variant(1, {}))).toEqual([]);
  });
});
