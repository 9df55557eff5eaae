import { sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { DbOrTx } from '../db/database.js';
import type { ShippingMethod } from '../db/schema-carts.js';
import type { ShippingRule, TaxRule } from './pricing.js';

/**
 * Shipping and tax settings change rarely (they are seeded; there is no back-office screen for
 * them yet) and every cart view needs them, so each process keeps them a minute per database
 * handle. A transaction is a handle of its own, so checkout reads them afresh under its
 * transaction, in one statement. A screen that edits them must call forgetPricingRules().
 */
const RULES_TTL_MS = 60_000;
const remembered = new WeakMap<object, Map<string, { expiresAt: number; value: Promise<unknown> }>>();

function rememberRule<T>(db: DbOrTx, key: string, load: () => Promise<T>): Promise<T> {
  let entries = remembered.get(db);
  if (!entries) remembered.set(db, (entries = new Map()));
  const held = entries.get(key);
  if (held && held.expiresAt > Date.now()) return held.value as Promise<T>;
  const value = load();
  entries.set(key, { expiresAt: Date.now() + RULES_TTL_MS, value });
  value.catch(() => entries.delete(key));
  return value;
}

export function forgetPricingRules(db: DbOrTx): void {
  remembered.delete(db);
}

/** A place's shipping methods and tax rate, as a cart's totals need them. */
export interface PricingRules {
  methods: ShippingMethod[];
  tax: TaxRule & { name: string };
}

/**
 * The shipping methods for a country (its own zone's, else the rest-of-the-world zone's, '*')
 * and the tax rate for the place (its region's when there is one, else its country's, else
 * none), read in one statement.
 */
export async function pricingRulesFor(db: DbOrTx, place: { country: string; region?: string }, settings: TaxSettings): Promise<PricingRules> {
  const region = (place.region ?? '').trim().toUpperCase();
  const rules = await rememberRule(db, `rules:${place.country}:${region}`, () => loadRules(db, place.country, region));
  return { methods: rules.methods, tax: { name: rules.tax?.name ?? 'Tax', rateBasisPoints: rules.tax?.rate_basis_points ?? 0, ...settings } };
}

function loadRules(db: DbOrTx, country: string, region: string) {
  // The zone naming the country wins over '*'.
  const zone = db
    .selectFrom('shipping_zones')
    .select('id')
    .where((eb) => eb.or([eb(sql`${country}`, '=', sql`ANY(countries)`), eb(sql`'*'`, '=', sql`ANY(countries)`)]))
    .orderBy(sql`${country} = ANY(countries)`, 'desc')
    .orderBy('position')
    .limit(1);
  return db
    .selectNoFrom((eb) => [
      jsonArrayFrom(eb.selectFrom('shipping_methods').selectAll().where('zone_id', '=', zone).where('active', '=', true).orderBy('position').orderBy('id')).as('methods'),
      jsonObjectFrom(
        eb
          .selectFrom('tax_rates')
          .select(['name', 'rate_basis_points'])
          .where('country', '=', country)
          .where('region', 'in', [...new Set(['', region])])
          .orderBy('region', 'desc')
          .limit(1),
      ).as('tax'),
    ])
    .executeTakeFirstOrThrow();
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
