import type { Context } from 'hono';
import type { PricingContext } from '../cart/cart-totals.js';
import { descendantIds } from '../catalog/categories.js';
import type { User } from '../db/schema-accounts.js';
import type { AppDeps, AppEnv } from './context.js';

/**
 * What prices a cart for this visitor, apart from where it ships: the store's tax settings and
 * currency, a coupon's categories with everything below them, and now. The cart page, the
 * checkout page and order placement all use this one, so they price the same cart the same way.
 */
export async function pricingContextFor(deps: AppDeps, c: Context<AppEnv>): Promise<Omit<PricingContext, 'country' | 'region' | 'shippingCode'>> {
  return pricingContextForUser(deps, c.get('user'));
}

/** The same, for a user named some other way (the JSON API's bearer token). */
export async function pricingContextForUser(deps: AppDeps, user: Pick<User, 'id' | 'email'> | undefined): Promise<Omit<PricingContext, 'country' | 'region' | 'shippingCode'>> {
  const tree = await deps.catalog.categoryTree();
  return {
    userId: user?.id ?? null,
    email: user?.email ?? null,
    settings: { pricesIncludeTax: deps.config.PRICES_INCLUDE_TAX, taxShipping: deps.config.TAX_SHIPPING },
    currency: deps.config.CURRENCY,
    expandCategories: (ids) => ids.flatMap((id) => {
      const node = tree.byId.get(id);
      return node ? descendantIds(node) : [id];
    }),
    now: new Date(),
  };
}
