import { describe, expect, it } from 'vitest';
import { stockLevel } from '../../src/catalog/variants.js';
import { fieldsHoldingCardNumbers, isTestCardNumber, smsUpdatesPhone } from '../../src/orders/checkout-rules.js';

describe('checkout rules shared by the checkout page and the API', () => {
  it('texts shipping updates only when asked and possible, to an E.164 number', () => {
    expect(smsUpdatesPhone(false, '+1 555 123 4567', true)).toBeUndefined();
    expect(smsUpdatesPhone(true, '+1 555 123 4567', false)).toBeUndefined();
    expect(smsUpdatesPhone(true, '+1 (555) 123-4567', true)).toBe('+15551234567');
    expect(smsUpdatesPhone(true, '555 123 4567', true)).toBe(false);
    expect(smsUpdatesPhone(true, undefined, true)).toBe(false);
  });

  it('names the fields that hold something that passes for a card number', () => {
    expect(fieldsHoldingCardNumbers({ full_name: 'Ada', address_line2: 'card 4242 4242 4242 4242', city: 'Flat 4242', phone: undefined })).toEqual(['address_line2']);
    expect(fieldsHoldingCardNumbers({ postal_code: '23666', phone: '+1 555 123 4567' })).toEqual([]);
  });

  it('takes a test card only when it is 12 to 19 digits passing the Luhn check', () => {
    expect(isTestCardNumber('4242 4242 4242 4242')).toBe(true);
    expect(isTestCardNumber('4242-4242-4242-4242')).toBe(true);
    expect(isTestCardNumber('4242 4242 4242 4241')).toBe(false);
    expect(isTestCardNumber('1234')).toBe(false);
    expect(isTestCardNumber('')).toBe(false);
  });
});

describe('stock as a product page tells it', () => {
  it('is out at 0 or below, low up to 5, in above', () => {
    expect([-1, 0, 1, 5, 6, 100].map(stockLevel)).toEqual(['out', 'out', 'low', 'low', 'in', 'in']);
  });
});
