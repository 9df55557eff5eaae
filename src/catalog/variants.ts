import type { ProductVariant } from '../db/schema.js';

export interface OptionChoice {
  value: string;
  /** The variant a shopper gets by picking this value while keeping their other choices. */
  variantId: number;
  selected: boolean;
  inStock: boolean;
}

export interface OptionGroup {
  name: string;
  choices: OptionChoice[];
}

/** The variant asked for, if it is one of these; else the first in stock; else the first. */
export function pickVariant<T extends Pick<ProductVariant, 'id' | 'stock'>>(variants: T[], requestedId: number | undefined): T {
  const requested = requestedId === undefined ? undefined : variants.find((variant) => variant.id === requestedId);
  const chosen = requested ?? variants.find((variant) => variant.stock > 0) ?? variants[0];
  if (!chosen) throw new RangeError('a product must have at least one variant');
  return chosen;
}

/**
 * Option groups (Color, Size…) in the product's order, then any other names the variants use. Each choice links to the
 * variant that matches it and the selected variant's other options, or failing that to the
 * first variant with that value.
 */
type OptionedVariant = Pick<ProductVariant, 'id' | 'stock' | 'options'>;

export function optionGroups(optionNames: string[], variants: OptionedVariant[], selected: OptionedVariant): OptionGroup[] {
  const names = [...new Set([...optionNames, ...variants.flatMap((variant) => Object.keys(variant.options))])];
  return names.map((name) => {
    const values = [...new Set(variants.map((variant) => variant.options[name]).filter((value): value is string => value !== undefined))];
    if (values.length === 0) return undefined;
    return {
      name,
      choices: values.map((value) => {
        const wanted = { ...selected.options, [name]: value };
        const exact = variants.find((variant) => Object.entries(wanted).every(([key, option]) => variant.options[key] === option));
        const target = exact ?? variants.find((variant) => variant.options[name] === value)!;
        return { value, variantId: target.id, selected: selected.options[name] === value, inStock: target.stock > 0 };
      }),
    };
  }).filter((group): group is OptionGroup => group !== undefined);
}

/** At or below this many left, the product page says how many ("Only 3 left in stock"). */
export const LOW_STOCK = 5;
export type StockLevel = 'in' | 'low' | 'out';

/** What a product page tells a shopper about a variant's stock. */
export function stockLevel(stock: number): StockLevel {
  return stock <= 0 ? 'out' : stock <= LOW_STOCK ? 'low' : 'in';
}
