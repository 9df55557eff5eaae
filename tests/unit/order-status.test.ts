import { describe, expect, it } from 'vitest';
import { canTransition, checkTransition, isUnshipped, orderStatuses, type OrderStatus } from '../../src/orders/status.js';

/** CONTRACT.md's moves, written out independently of the module. */
const allowed = new Set([
  'pending>paid',
  'paid>processing',
  'processing>shipped',
  'shipped>delivered',
  'pending>cancelled',
  'paid>cancelled',
  ...['paid', 'processing', 'shipped', 'delivered'].flatMap((from) => [`${from}>refunded`, `${from}>partially_refunded`]),
  'partially_refunded>refunded',
  'partially_refunded>partially_refunded',
]);

describe('order status machine', () => {
  it('allows exactly the moves of CONTRACT.md, and explains every other one', () => {
    for (const from of orderStatuses) {
      for (const to of orderStatuses) {
        const expected = allowed.has(`${from}>${to}`);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
        const reason = checkTransition(from, to);
        if (expected) expect(reason).toBeUndefined();
        else expect(reason, `${from} → ${to}`).toMatch(/\w/);
      }
    }
  });

  it('never leaves cancelled or refunded, and never unpays', () => {
    for (const to of orderStatuses) {
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('refunded', to)).toBe(false);
    }
    for (const from of ['paid', 'processing', 'shipped', 'delivered'] as OrderStatus[]) expect(canTransition(from, 'pending')).toBe(false);
  });

  it('says which states still hold the goods', () => {
    expect(orderStatuses.filter(isUnshipped)).toEqual(['pending', 'paid', 'processing']);
  });
});
