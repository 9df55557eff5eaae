import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { addToCartForm, couponForm, parseLineId, setQuantityForm } from '../../cart/cart-forms.js';
import { calculateCartTotals, cartSubtotalCents, cartUnits, type CartTotals } from '../../cart/cart-totals.js';
import { loadCart, type CartView } from '../../cart/cart-view.js';
import { addToCart, CartError, clearCart, moveLine, removeLine, setLineQuantity } from '../../cart/carts.js';
import { checkCoupon, setCartCoupon } from '../../cart/coupons.js';
import { CART_ID, CartCountUpdate, CartPage, CartSection, CartStatusUpdate, MiniCartBody } from '../../../views/cart/cart.js';
import type { AppDeps, AppEnv } from '../context.js';
import { pricingContextFor } from '../pricing-context.js';
import { cartForChange, currentCartId } from '../cart-session.js';
import { fieldErrors, readForm } from '../forms.js';
import { htmlResponse } from '../compression.js';
import { isFragmentRequest } from '../htmx.js';
import { layoutFor } from '../layout.js';
import { renderPage } from '../render.js';

/** What a finished action says, by the short code a no-JavaScript redirect carries in its URL. */
const doneMessages = {
  added: 'Added to your cart.',
  updated: 'Quantity updated.',
  removed: 'Removed from your cart.',
  saved: 'Saved for later.',
  moved: 'Moved to your cart.',
  cleared: 'Your cart is empty now.',
  'coupon-applied': 'Coupon applied.',
  'coupon-removed': 'Coupon removed.',
} as const;
type Done = keyof typeof doneMessages;

/** The cart page and every cart action (CONTRACT.md); forms reach PUT and DELETE through `_method`. */
export function cartRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db, config } = deps;

  async function loadCurrentCart(c: Context<AppEnv>): Promise<CartView | undefined> {
    const cartId = await currentCartId(deps, c);
    return cartId === undefined ? undefined : loadCart(db, cartId);
  }

  async function totalsOf(c: Context<AppEnv>, cart: CartView | undefined): Promise<CartTotals | undefined> {
    if (!cart) return undefined;
    return calculateCartTotals(db, cart, { ...(await pricingContextFor(deps, c)), country: config.STORE_COUNTRY });
  }

  /** The cart page, whole; the badge counts the cart just loaded instead of asking again. */
  async function cartPage(c: Context<AppEnv>, extra: { notice?: string; error?: string }, status: ContentfulStatusCode = 200) {
    const cart = await loadCurrentCart(c);
    const [layout, totals] = await Promise.all([layoutFor(deps, c, { cartCount: cartUnits(cart) }), totalsOf(c, cart)]);
    const props = { layout, cart, totals, ...extra };
    return renderPage(c, { page: () => CartPage(props), fragment: () => CartSection({ currency: config.CURRENCY, cart, totals, ...extra }) }, status);
  }

  /**
   * The answer to an action. htmx gets the cart section (only when it came from the cart page:
   * elsewhere nothing needs the totals), the header badge, the mini-cart and a spoken message,
   * in one response; a plain form gets a 303 to the cart page, or the page with the error.
   */
  async function answer(c: Context<AppEnv>, outcome: { done: Done; message?: string } | { error: string; status: ContentfulStatusCode }) {
    c.set('pageCaching', 'no-store');
    const error = 'error' in outcome ? outcome.error : undefined;
    const notice = 'done' in outcome ? (outcome.message ?? doneMessages[outcome.done]) : undefined;
    const status = 'status' in outcome ? outcome.status : 200;
    const extra = { ...(notice ? { notice } : {}), ...(error ? { error } : {}) };
    if (!isFragmentRequest(c)) return error ? cartPage(c, extra, status) : c.redirect(`/cart?done=${'done' in outcome ? outcome.done : ''}`, 303);
    const cart = await loadCurrentCart(c);
    const fromCartPage = c.req.header('HX-Target')?.endsWith(`#${CART_ID}`) ?? false;
    const totals = fromCartPage ? await totalsOf(c, cart) : undefined;
    const html = [
      fromCartPage ? CartSection({ currency: config.CURRENCY, cart, totals, ...extra }) : '',
      CartCountUpdate({ count: cartUnits(cart) }),
      CartStatusUpdate({ message: error ?? notice ?? '' }),
      MiniCartBody({ cart, subtotalCents: cart ? cartSubtotalCents(cart) : 0, currency: config.CURRENCY, oob: true }),
    ].join('');
    return htmlResponse(c, html, status);
  }

  /** Runs a cart command; a refusal becomes a message for the shopper, never a 500. */
  async function act(c: Context<AppEnv>, command: (cartId: number) => Promise<{ done: Done; message?: string }>) {
    try {
      return await answer(c, await command(await cartForChange(deps, c)));
    } catch (error) {
      if (error instanceof CartError) return answer(c, { error: error.message, status: error.status });
      throw error;
    }
  }
  const refuse = (c: Context<AppEnv>, error: string, status: ContentfulStatusCode = 422) => answer(c, { error, status });

  app.get('/cart', async (c) => {
    c.set('pageCaching', 'no-store');
    const done = c.req.query('done') as Done | undefined;
    return cartPage(c, done && done in doneMessages ? { notice: doneMessages[done] } : {});
  });

  app.get('/cart/mini', async (c) => {
    c.set('pageCaching', 'no-store');
    const cart = await loadCurrentCart(c);
    return htmlResponse(c, MiniCartBody({ cart, subtotalCents: cart ? cartSubtotalCents(cart) : 0, currency: config.CURRENCY }) as string, 200);
  });

  app.post('/cart/items', async (c) => {
    const parsed = addToCartForm.safeParse(await readForm(c));
    if (!parsed.success) return refuse(c, Object.values(fieldErrors(parsed.error))[0] ?? 'That could not be added.');
    const { variant_id, quantity } = parsed.data;
    return act(c, async (cartId) => {
      const added = await addToCart(db, cartId, variant_id, quantity);
      const message = added.limitedTo === undefined ? `Added ${quantity} × ${added.name} to your cart.` : `Only ${added.limitedTo} of ${added.name} are available; your cart has ${added.limitedTo}.`;
      return { done: 'added', message };
    });
  });

  const updateLine = async (c: Context<AppEnv>, form: Record<string, string>) => {
    const lineId = parseLineId(c.req.param('id') ?? '');
    if (lineId === undefined) return refuse(c, 'That line is not in your cart.', 404);
    const parsed = setQuantityForm.safeParse(form);
    if (!parsed.success) return refuse(c, fieldErrors(parsed.error).quantity ?? 'Enter a quantity.');
    return act(c, async (cartId) => {
      const result = await setLineQuantity(db, cartId, lineId, parsed.data.quantity);
      if (result.quantity === 0) return { done: 'removed' };
      return result.limitedTo === undefined ? { done: 'updated' } : { done: 'updated', message: `Only ${result.limitedTo} are available; the quantity is ${result.limitedTo}.` };
    });
  };
  const deleteLine = (c: Context<AppEnv>) => {
    const lineId = parseLineId(c.req.param('id') ?? '');
    if (lineId === undefined) return refuse(c, 'That line is not in your cart.', 404);
    return act(c, async (cartId) => {
      await removeLine(db, cartId, lineId);
      return { done: 'removed' };
    });
  };

  app.put('/cart/items/:id', async (c) => updateLine(c, await readForm(c)));
  app.delete('/cart/items/:id', (c) => deleteLine(c));
  app.post('/cart/items/:id', async (c) => {
    const form = await readForm(c);
    const method = (form._method ?? 'PUT').toUpperCase();
    if (method === 'PUT') return updateLine(c, form);
    if (method === 'DELETE') return deleteLine(c);
    return refuse(c, 'That action is not supported here.', 405);
  });

  const moveTo = (toSaved: boolean) => async (c: Context<AppEnv>) => {
    const lineId = parseLineId(c.req.param('id') ?? '');
    if (lineId === undefined) return refuse(c, 'That line is not in your cart.', 404);
    return act(c, async (cartId) => {
      await moveLine(db, cartId, lineId, toSaved);
      return { done: toSaved ? 'saved' : 'moved' };
    });
  };
  app.post('/cart/items/:id/save', moveTo(true));
  app.post('/cart/saved/:id/move', moveTo(false));

  const emptyCart = (c: Context<AppEnv>) =>
    act(c, async (cartId) => {
      await clearCart(db, cartId);
      return { done: 'cleared' };
    });
  app.delete('/cart', (c) => emptyCart(c));
  app.post('/cart', async (c) => ((await readForm(c))._method?.toUpperCase() === 'DELETE' ? emptyCart(c) : refuse(c, 'That action is not supported here.', 405)));

  const dropCoupon = (c: Context<AppEnv>) =>
    act(c, async (cartId) => {
      await setCartCoupon(db, cartId, null);
      return { done: 'coupon-removed' };
    });
  app.delete('/cart/coupon', (c) => dropCoupon(c));
  app.post('/cart/coupon', async (c) => {
    const form = await readForm(c);
    if (form._method?.toUpperCase() === 'DELETE') return dropCoupon(c);
    const parsed = couponForm.safeParse(form);
    const user = c.get('user');
    // Checked before the cart is touched, so a refused code makes no guest cart or session.
    let code: string;
    try {
      code = (await checkCoupon(db, parsed.success ? parsed.data.code : undefined, { userId: user?.id ?? null, email: user?.email ?? null }, new Date())).code;
    } catch (error) {
      if (error instanceof CartError) return refuse(c, error.message);
      throw error;
    }
    return act(c, async (cartId) => {
      await setCartCoupon(db, cartId, code);
      return { done: 'coupon-applied' };
    });
  });

  return app;
}
