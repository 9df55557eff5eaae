import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { ShippingMethod } from '../db/schema-carts.js';
import type { ShippingRule, TaxRule } from './pricing.js';

/** Shipping methods for a country: its own zone's, else the rest-of-the-world zone's ('*'). */
export async function shippingMethodsFor(db: DbOrTx, country: string): Promise<ShippingMethod[]> {
  const zone = await db
    .selectFrom('shipping_zones')
    .select('id')
    .where((eb) => eb.or([eb(sql`${country}`, '=', sql`ANY(countries)`), eb(sql`'*'`, '=', sql`ANY(countries)`)]))
    // A zone naming the country wins over '*'.
    .orderBy(sql`${country} = ANY(countries)`, 'desc')
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
  if (!zone) return [];
  return db.selectFrom('shipping_methods').selectAll().where('zone_id', '=', zone.id).where('active', '=', true).orderBy('position').orderBy('id').execute();
}

export function shippingRule(method: ShippingMethod): ShippingRule {
  return method.kind === 'flat'
    ? { code: method.code, name: method.name, kind: 'flat', priceCents: method.price_cents, freeOverCents: method.free_over_cents }
    : { code: method.code, name: method.name, kind: 'weight', baseCents: method.price_cents, perKgCents: method.per_kg_cents, freeOverCents: method.free_over_cents };
}

export interface TaxSettings {
  pricesIncludeTax: boolean;
  taxShipping: boolean;
}

/** The rate for a place: its region's when there is one, else its country's, else none. */
export async function taxRuleFor(db: DbOrTx, place: { country: string; region?: string }, settings: TaxSettings): Promise<TaxRule & { name: string }> {
  const rate = await db
    .selectFrom('tax_rates')
    .select(['name', 'rate_basis_points'])
    .where('country', '=', place.country)
    .where('region', 'in', [...new Set(['', (place.region ?? '').trim().toUpperCase()])])
    .orderBy('region', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { name: rate?.name ?? 'Tax', rateBasisPoints: rate?.rate_basis_points ?? 0, ...settings };
}
