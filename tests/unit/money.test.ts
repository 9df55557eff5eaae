import { describe, expect, it } from 'vitest';
import { formatMoney, parseMajorUnits, percentOff } from '../../src/lib/money.js';

describe('parseMajorUnits', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['0.79', 79],
    ['36999.99', 3699999],
    ['9,99', 999],
    [' 7 ', 700],
  ])('reads %j as %i cents', (text, cents) => {
    expect(parseMajorUnits(text)).toBe(cents);
  });

  it.each(['abc', '-1', '1.999', '1e3', '', '12.', 'Infinity', '0x10', '9999999999'])('refuses %j', (text) => {
    expect(parseMajorUnits(text)).toBeUndefined();
  });

  it('never goes through a float (0.29 * 100 = 28.999…)', () => {
    expect(parseMajorUnits('0.29')).toBe(29);
    expect(parseMajorUnits('1.15')).toBe(115);
  });
});

describe('formatMoney', () => {
  it('formats minor units in the currency', () => {
    expect(formatMoney(129999, 'USD')).toBe('$1,299.99');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(1000, 'EUR', 'de-DE')).toBe('10,00\u00a0€');
  });
});

describe('percentOff', () => {
  it('is the saving rounded down, only for a real markdown', () => {
    expect(percentOff(7500, 10000)).toBe(25);
    expect(percentOff(999, 1111)).toBe(10);
    expect(percentOff(1000, 1000)).toBeUndefined();
    expect(percentOff(1000, 900)).toBeUndefined();
    expect(percentOff(1000, null)).toBeUndefined();
  });
});
