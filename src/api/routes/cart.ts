import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { calculateCartTotals } from '../../cart/cart-totals.js';
import { loadCart, type CartView } from '../../cart/cart-view.js';
import { addToCart, clearCart, ensureMemberCart, findMemberCartId, removeLine, setLineQuantity } from '../../cart/carts.js';
import { checkCoupon, setCartCoupon } from '../../cart/coupons.js';
import type { User } from '../../db/schema-accounts.js';
import type { AppDeps } from '../../web/context.js';
import { pricingContextForUser } from '../../web/pricing-context.js';
import type { ApiApp } from '../app.js';
import { requireUser, userSecurity } from '../auth.js';
import type { ApiEnv } from '../context.js';
import { refusalsAsProblems } from '../domain-errors.js';
import { notFound, problemResponses } from '../problem.js';
import { AddItemInput, Cart, CartChange, cartJson, CouponInput, LineIdParam, SetQuantityInput } from '../schemas/cart.js';
import { jsonAnswer, jsonBody } from '../content.js';

const tags = ['Cart'];
const member = 'The signed-in user’s cart, the same one the shop shows them. The API has no guest carts: sign in first.';
const common = { tags, security: userSecurity, middleware: requireUser() };

const routes = {
  get: createRoute({ ...common, method: 'get', path: '/cart', summary: 'The cart', description: `${member} Shipping and tax are estimated for the store’s country, as on the cart page.`, operationId: 'getCart', responses: { 200: jsonAnswer('The cart', Cart), ...problemResponses(401, 403, 429, 503) } }),
  add: createRoute({
    ...common,
    method: 'post',
    path: '/cart/items',
    summary: 'Put a variant in the cart',
    description: `${member} Adding a variant already in the cart adds to its line. More than the stock is capped (limitedTo says so); a sold-out or withdrawn variant is refused with 409.`,
    operationId: 'addCartItem',
    request: { body: jsonBody(AddItemInput) },
    responses: { 201: jsonAnswer('Added', CartChange), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
  }),
  update: createRoute({
    ...common,
    method: 'patch',
    path: '/cart/items/{lineId}',
    summary: 'Change a line’s quantity',
    description: `${member} 0 removes the line. More than the stock is capped (limitedTo says so).`,
    operationId: 'updateCartItem',
    request: { params: LineIdParam, body: jsonBody(SetQuantityInput) },
    responses: { 200: jsonAnswer('Changed', CartChange), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
  }),
  remove: createRoute({ ...common, method: 'delete', path: '/cart/items/{lineId}', summary: 'Remove a line', description: member, operationId: 'removeCartItem', request: { params: LineIdParam }, responses: { 204: { description: 'Removed' }, ...problemResponses(400, 401, 403, 404, 429, 503) } }),
  clear: createRoute({ ...common, method: 'delete', path: '/cart', summary: 'Empty the cart', description: `${member} Lines saved for later stay; the coupon goes.`, operationId: 'clearCart', responses: { 204: { description: 'Emptied' }, ...problemResponses(401, 403, 429, 503) } }),
  coupon: createRoute({
    ...common,
    method: 'post',
    path: '/cart/coupon',
    summary: 'Apply a coupon',
    description: `${member} An unknown, expired or used-up code is refused with 422. A coupon the cart does not reach the minimum of is kept, and the cart says why it gives nothing yet.`,
    operationId: 'applyCoupon',
    request: { body: jsonBody(CouponInput) },
    responses: { 200: jsonAnswer('The cart with the coupon', Cart), ...problemResponses(400, 401, 403, 413, 415, 422, 429, 503) },
  }),
  dropCoupon: createRoute({ ...common, method: 'delete', path: '/cart/coupon', summary: 'Remove the coupon', description: member, operationId: 'removeCoupon', responses: { 200: jsonAnswer('The cart without a coupon', Cart), ...problemResponses(401, 403, 429, 503) } }),
};

/** The signed-in user's cart through the same commands as the shop's cart page (src/cart). */
export function registerCartRoutes(api: ApiApp, deps: AppDeps): void {
  const { db, config } = deps;
  const me = (c: Context<ApiEnv>) => c.get('apiUser') as User;

  /** The cart as the cart page prices it: the store's country until checkout says otherwise. */
  async function cartAnswer(user: User) {
    const cartId = await findMemberCartId(db, user.id);
    const cart: CartView = (cartId === undefined ? undefined : await loadCart(db, cartId)) ?? { id: 0, couponCode: null, lines: [], saved: [] };
    const totals = await calculateCartTotals(db, cart, { ...(await pricingContextForUser(deps, user)), country: config.STORE_COUNTRY });
    return cartJson(cartId === undefined ? undefined : cart, totals, config);
  }

  /** A line command on a cart that exists; with no cart yet, no line can be the user's. */
  async function existingCartId(user: User): Promise<number> {
    const cartId = await findMemberCartId(db, user.id);
    if (cartId === undefined) throw notFound('That cart line');
    return cartId;
  }

  api.openapi(routes.get, async (c) => c.json(await cartAnswer(me(c)), 200));

  api.openapi(routes.add, async (c) => {
    const { variantId, quantity } = c.req.valid('json');
    const added = await refusalsAsProblems(async () => addToCart(db, await ensureMemberCart(db, me(c).id), variantId, quantity));
    const message = added.limitedTo === undefined ? `Added ${quantity} × ${added.name} to your cart.` : `Only ${added.limitedTo} of ${added.name} are available; your cart has ${added.limitedTo}.`;
    return c.json({ lineId: added.lineId, quantity: added.quantity, ...(added.limitedTo === undefined ? {} : { limitedTo: added.limitedTo }), message, cart: await cartAnswer(me(c)) }, 201);
  });

  api.openapi(routes.update, async (c) => {
    const { lineId } = c.req.valid('param');
    const { quantity } = c.req.valid('json');
    const result = await refusalsAsProblems(async () => setLineQuantity(db, await existingCartId(me(c)), lineId, quantity));
    const message = result.quantity === 0 ? 'Removed from your cart.' : result.limitedTo === undefined ? 'Quantity updated.' : `Only ${result.limitedTo} are available; the quantity is ${result.limitedTo}.`;
    return c.json({ lineId, quantity: result.quantity, ...(result.limitedTo === undefined ? {} : { limitedTo: result.limitedTo }), message, cart: await cartAnswer(me(c)) }, 200);
  });

  api.openapi(routes.remove, async (c) => {
    const { lineId } = c.req.valid('param');
    await refusalsAsProblems(async () => removeLine(db, await existingCartId(me(c)), lineId));
    return c.body(null, 204);
  });

  api.openapi(routes.clear, async (c) => {
    const cartId = await findMemberCartId(db, me(c).id);
    if (cartId !== undefined) await clearCart(db, cartId);
    return c.body(null, 204);
  });

  api.openapi(routes.coupon, async (c) => {
    const user = me(c);
    const { code } = c.req.valid('json');
    // Checked before the cart is touched, so a refused code changes nothing.
    const coupon = await refusalsAsProblems(() => checkCoupon(db, code, { userId: user.id, email: user.email }, new Date()));
    await setCartCoupon(db, await ensureMemberCart(db, user.id), coupon.code);
    return c.json(await cartAnswer(user), 200);
  });

  api.openapi(routes.dropCoupon, async (c) => {
    const cartId = await findMemberCartId(db, me(c).id);
    if (cartId !== undefined) await setCartCoupon(db, cartId, null);
    return c.json(await cartAnswer(me(c)), 200);
  });
}
