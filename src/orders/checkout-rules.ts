import type { AddressInput } from '../accounts/account-forms.js';
import { findAddress } from '../accounts/addresses.js';
import type { DbOrTx } from '../db/database.js';
import { cardDigits, containsCardNumber, luhnValid } from '../payments/index.js';
import { e164Phone } from '../sms/sms.js';

/** How long an order awaiting payment holds its stock. */
export const ORDER_HOLD_MINUTES = 30;

export type ShippingAddress = Omit<AddressInput, 'is_default_shipping'>;

/**
 * The phone to text shipping updates to, when the shopper asked and the store can send texts:
 * undefined when not asked (or no SMS provider), false when the number cannot take texts.
 */
export function smsUpdatesPhone(asked: boolean, phone: string | undefined, canText: boolean): string | false | undefined {
  if (!asked || !canText) return undefined;
  const number = e164Phone.safeParse(phone ?? '');
  return number.success ? number.data : false;
}

export const SMS_PHONE_PROBLEM = 'To get texts, enter your mobile number with its country code, like +1 555 123 4567.';
export const CARD_IN_FIELD_PROBLEM = 'Do not type a card number here.';
export const TEST_CARD_PROBLEM = 'Enter a card number, such as the test card 4242 4242 4242 4242.';

/** A card number belongs in the card field only: anywhere else it would be stored and shown. These fields hold one. */
export function fieldsHoldingCardNumbers(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined && containsCardNumber(value))
    .map(([name]) => name);
}

/** Whether the test provider's card field holds a card number it can try (12–19 digits passing the Luhn check). */
export function isTestCardNumber(text: string): boolean {
  const digits = cardDigits(text);
  return digits !== null && luhnValid(digits);
}

/** A member's own saved address as a shipping address; undefined for an id that is not theirs. */
export async function savedShippingAddress(db: DbOrTx, userId: number, addressId: number): Promise<ShippingAddress | undefined> {
  const row = await findAddress(db, userId, addressId);
  if (!row) return undefined;
  const { full_name, address_line1, address_line2, city, state, postal_code, country, phone } = row;
  return { full_name, address_line1, address_line2, city, state, postal_code, country, phone };
}
