import type { Context } from 'hono';
import { countCartUnits } from '../cart/cart-view.js';
import { createGuestCart, ensureMemberCart, findMemberCartId } from '../cart/carts.js';
import type { AppDeps, AppEnv } from './context.js';
import { ensureSession } from './session.js';

/** The visitor's cart, if they have one: a member's by user id, a guest's through their session. */
export async function currentCartId(deps: AppDeps, c: Context<AppEnv>): Promise<number | undefined> {
  const user = c.get('user');
  if (user) return findMemberCartId(deps.db, user.id);
  return c.get('session')?.cartId;
}

/**
 * The cart to change, made on first use. A guest gets a session only now, when there is
 * something to keep (catalog pages never set a cookie).
 */
export async function cartForChange(deps: AppDeps, c: Context<AppEnv>): Promise<number> {
  const user = c.get('user');
  if (user) return ensureMemberCart(deps.db, user.id);
  const session = c.get('session');
  if (session?.cartId !== undefined) return session.cartId;
  const cartId = await createGuestCart(deps.db);
  if (session) {
    await deps.sessions.update({ ...session, cartId });
    c.set('session', { ...session, cartId });
  } else {
    await ensureSession(deps, c, { cartId });
  }
  return cartId;
}

/** The header badge's number: 0 without a cart, and without a query for visitors with no session. */
export async function cartCountFor(deps: AppDeps, c: Context<AppEnv>): Promise<number> {
  if (!c.get('session')) return 0;
  const cartId = await currentCartId(deps, c);
  return cartId === undefined ? 0 : countCartUnits(deps.db, cartId);
}
