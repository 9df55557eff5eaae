import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../../store/store.js';
import { ApiProblem } from '../problem.js';

/** How long an Idempotency-Key names its order: a retry comes within seconds, a day is generous. */
const KEPT_SECONDS = 24 * 60 * 60;

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Idempotency-Key → the order it made, per user, in the store. Two requests with one key at the
 * same moment are safe without this: placeOrder locks the cart, and the second gets the order the
 * first made. This adds the answer after the cart is gone (paid) and refuses a key reused for
 * a different request.
 */
export function idempotentCheckouts(store: KeyValueStore) {
  const keyOf = (userId: number, key: string) => `api:checkout:${userId}:${digest(key)}`;
  return {
    /** The order number this key made, or undefined; 422 when the key came with another body. */
    async find(userId: number, key: string, body: unknown): Promise<string | undefined> {
      const held = await store.get(keyOf(userId, key));
      if (!held) return undefined;
      const { order, request } = JSON.parse(held) as { order: string; request: string };
      if (request !== digest(JSON.stringify(body))) {
        throw new ApiProblem(422, 'idempotency-conflict', 'The request breaks a rule of the store', 'This Idempotency-Key was used for a different request. Send a new key for a new order.');
      }
      return order;
    },
    async remember(userId: number, key: string, body: unknown, orderNumber: string): Promise<void> {
      await store.set(keyOf(userId, key), JSON.stringify({ order: orderNumber, request: digest(JSON.stringify(body)) }), KEPT_SECONDS);
    },
  };
}
