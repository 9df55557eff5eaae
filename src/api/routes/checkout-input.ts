import type { z } from '@hono/zod-openapi';
import type { User } from '../../db/schema-accounts.js';
import {
  CARD_IN_FIELD_PROBLEM,
  fieldsHoldingCardNumbers,
  ORDER_HOLD_MINUTES,
  savedShippingAddress,
  SMS_PHONE_PROBLEM,
  smsUpdatesPhone,
  type ShippingAddress,
} from '../../orders/checkout-rules.js';
import type { PlaceOrderInput } from '../../orders/place-order.js';
import type { AppDeps } from '../../web/context.js';
import { ApiProblem, unprocessable, type FieldError } from '../problem.js';
import { addressFormFrom } from '../schemas/account.js';
import type { CheckoutInput } from '../schemas/orders.js';

/** The API's names for the address fields, for field errors. */
const apiNames: Record<string, string> = { full_name: 'fullName', address_line1: 'addressLine1', address_line2: 'addressLine2', city: 'city', state: 'state', postal_code: 'postalCode', country: 'country', phone: 'phone' };

/**
 * What placeOrder needs from a checkout request, by the checkout page's rules: a typed address
 * or one of the user's own saved ones, no card number in any field, and a mobile number in
 * E.164 form when texts are asked for. Refusals are problems with field errors; nothing is changed.
 */
export async function checkoutOrderInput(deps: AppDeps, user: User, body: z.infer<typeof CheckoutInput>): Promise<Pick<PlaceOrderInput, 'email' | 'address' | 'shippingMethodCode' | 'holdMinutes' | 'smsUpdates'>> {
  const { address, from } = await shippingAddressOf(deps, user, body);
  const email = body.email ?? user.email;
  const errors: FieldError[] = fieldsHoldingCardNumbers({ ...address, email }).map((name) => ({ field: name === 'email' ? 'body.email' : `${from}.${apiNames[name] ?? name}`, message: CARD_IN_FIELD_PROBLEM }));
  const smsPhone = smsUpdatesPhone(body.smsUpdates === true, address.phone, Boolean(deps.sms));
  if (smsPhone === false) errors.push({ field: `${from}.phone`, message: SMS_PHONE_PROBLEM });
  if (errors.length) throw unprocessable('Some fields cannot be accepted; see errors.', errors);
  return {
    email,
    address: smsPhone ? { ...address, phone: smsPhone } : address,
    shippingMethodCode: body.shippingMethod,
    holdMinutes: ORDER_HOLD_MINUTES,
    smsUpdates: Boolean(smsPhone),
  };
}

async function shippingAddressOf(deps: AppDeps, user: User, body: z.infer<typeof CheckoutInput>): Promise<{ address: ShippingAddress; from: string }> {
  if ((body.shippingAddress === undefined) === (body.addressId === undefined)) {
    const message = 'Give either shippingAddress or addressId.';
    throw new ApiProblem(400, 'validation', 'The request is not valid', message, [{ field: 'body.shippingAddress', message }]);
  }
  if (body.shippingAddress) {
    const { is_default_shipping: _default, ...address } = addressFormFrom(body.shippingAddress);
    return { address, from: 'body.shippingAddress' };
  }
  const saved = await savedShippingAddress(deps.db, user.id, body.addressId!);
  if (!saved) throw unprocessable('Choose one of your own saved addresses.', [{ field: 'body.addressId', message: 'Choose one of your own saved addresses.' }]);
  // A saved address was checked when it was saved; it is only told where it came from here.
  return { address: saved, from: 'addressId' };
}
