/**
 * Money is an integer count of minor units (cents) everywhere; these are the only places
 * where it meets text. Parsing works on the decimal string, never through a float.
 */

const formatters = new Map<string, Intl.NumberFormat>();

/** Formats minor units for people, e.g. 129999 USD → "$1,299.99". */
export function formatMoney(cents: number, currency: string, locale = 'en-US'): string {
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter.format(cents / 100);
}

const majorAmount = /^(\d{1,9})(?:[.,](\d{1,2}))?$/;

/**
 * Parses an amount in major units ("12", "12.5", "12.50") into minor units (1250).
 * Returns undefined for anything else: negative, more than two decimals, or not a number.
 */
export function parseMajorUnits(text: string): number | undefined {
  const match = majorAmount.exec(text.trim());
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** The percentage saved when a compare-at price is above the price, rounded down. */
export function percentOff(priceCents: number, compareAtCents: number | null): number | undefined {
  if (compareAtCents === null || compareAtCents <= priceCents || compareAtCents === 0) return undefined;
  return Math.floor(((compareAtCents - priceCents) * 100) / compareAtCents);
}

/** Minor units as a plain decimal string, as schema.org and feeds want prices: 129999 → "1299.99". */
export function toDecimalString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
