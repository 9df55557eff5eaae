import { describe, expect, it } from 'vitest';
import { parseProductForm, readProductForm, withVariantRow, MAX_VARIANT_ROWS } from '../../src/catalog/product-form.js';

const base = {
  name: 'Crème Brûlée Torch',
  slug: '',
  active: '1',
  option1_name: '',
  v0_sku: 'TORCH-1',
  v0_price: '24.5',
  v0_stock: '3',
  v0_active: '1',
};
const parse = (fields: Record<string, string>) => parseProductForm(readProductForm(fields));
const errorsOf = (fields: Record<string, string>) => {
  const result = parse(fields);
  if (!('errors' in result)) throw new Error('expected errors');
  return result.errors;
};

describe('the product form', () => {
  it('makes the slug from the name, prices in cents through the decimal text, and unticked boxes as false', () => {
    const result = parse({ ...base, tags: ' Kitchen, kitchen ,torch,, ' });
    if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
    expect(result.input).toMatchObject({ slug: 'creme-brulee-torch', active: true, featured: false, tags: ['kitchen', 'torch'], optionNames: [] });
    expect(result.input.variants).toEqual([{ row: 0, id: undefined, sku: 'TORCH-1', options: {}, priceCents: 2450, compareAtCents: null, stock: 3, stockUnchanged: false, weightGrams: null, active: true }]);
  });

  it.each([
    ['-1', 'A price cannot be negative.'],
    ['1.999', 'Use at most 2 decimals (e.g. 12.50).'],
    ['1e3', 'Enter an amount like 12.50 (digits, one decimal point).'],
    ['12,345.00', 'Enter an amount like 12.50 (digits, one decimal point).'],
    ['0x10', 'Enter an amount like 12.50 (digits, one decimal point).'],
    ['', 'Enter a price, e.g. 12.50.'],
    ['99999999999', 'That amount is too large.'],
  ])('refuses the price %j: %s', (price, message) => {
    expect(errorsOf({ ...base, v0_price: price }).v0_price).toBe(message);
  });

  it.each([
    ['-2', 'The stock cannot be below zero.'],
    ['1.5', 'The stock is a whole number (0 or more).'],
    ['', 'Enter the stock (0 or more).'],
    ['5000000', 'The stock can be at most 1,000,000.'],
  ])('refuses the stock %j: %s', (stock, message) => {
    expect(errorsOf({ ...base, v0_stock: stock }).v0_stock).toBe(message);
  });

  it('needs a value for each named option, no value for an unnamed one, and variants that differ', () => {
    const errors = errorsOf({ ...base, option1_name: 'Size', v0_option1: '', v0_option2: 'Red', v1_sku: 'TORCH-2', v1_price: '1', v1_stock: '1', v1_option1: '' });
    expect(errors.v0_option1).toBe('Give this variant a Size.');
    expect(errors.v0_option2).toBe('Name option 2 above first.');
    const same = errorsOf({ ...base, option1_name: 'Size', v0_option1: 'S', v1_sku: 'TORCH-2', v1_price: '1', v1_stock: '1', v1_option1: 's' });
    expect(same.v1_option1).toBe('Another variant has the same options.');
    expect(errorsOf({ ...base, option1_name: 'Size', option2_name: 'size' }).option2_name).toBe('Two options cannot have the same name.');
  });

  it('ignores a blank new row, lists rows ticked for removal, and needs one variant left', () => {
    const result = parse({ ...base, v1_sku: '', v1_price: '', v1_stock: '0', v1_active: '1', v2_id: '7', v2_sku: 'OLD', v2_remove: '1' });
    if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
    expect(result.input.variants.map((variant) => variant.sku)).toEqual(['TORCH-1']);
    expect(result.input.removeIds).toEqual([7]);
    expect(errorsOf({ ...base, v0_id: '3', v0_remove: '1' }).variants).toContain('at least one variant');
  });

  it('knows an untouched stock from a typed one', () => {
    const result = parse({ ...base, v0_id: '3', v0_stock: '3', v0_stock_was: '3' });
    if (!('input' in result)) throw new Error('expected input');
    expect(result.input.variants[0]!.stockUnchanged).toBe(true);
  });

  it('never reads more than the row limit, however many rows are sent', () => {
    const values = readProductForm({ ...base, v999_sku: 'X' });
    expect(values.variants).toHaveLength(MAX_VARIANT_ROWS);
    expect(withVariantRow(values).variants).toHaveLength(MAX_VARIANT_ROWS);
  });
});
