import { z } from '@hono/zod-openapi';
import { emailField } from '../../accounts/account-forms.js';
import type { Order as OrderRow } from '../../db/schema-orders.js';
import type { OrderDetail } from '../../orders/orders.js';
import { canTransition, orderStatuses, statusLabels } from '../../orders/status.js';
import { AddressInput } from './account.js';
import { money, Money, pageOf } from './catalog.js';

/** Checkout and order shapes. Amounts are the order's own, stored when it was placed. */
export const OrderNumberParam = z.object({
  number: z
    .string()
    .regex(/^HS-[0-9A-Z]{8}$/, 'An order number looks like HS-ABCD2345.')
    .openapi({ param: { name: 'number', in: 'path' }, example: 'HS-ABCD2345' }),
});

export const CheckoutInput = z
  .strictObject({
    shippingAddress: AddressInput.optional().openapi({ description: 'Where to ship; or give addressId instead.' }),
    addressId: z.number().int().positive().max(2_147_483_647).optional().openapi({ description: 'One of the user’s saved addresses, instead of shippingAddress.' }),
    email: emailField.optional().openapi({ description: 'For the confirmation; the account’s address when left out.' }),
    shippingMethod: z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/, 'Choose a shipping method.')
      .openapi({ description: 'The code of a method offered for the country (GET /cart lists them for the store’s country).', example: 'standard' }),
    smsUpdates: z.boolean().optional().openapi({ description: 'Text shipping updates to the address’s phone (E.164), when the store sends texts.' }),
  })
  .openapi('CheckoutInput');

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{8,200}$/, 'Send an Idempotency-Key of 8 to 200 visible characters, new for each order (a UUID).')
    .openapi({ param: { name: 'idempotency-key', in: 'header' }, example: '6f1c1c2e-8a0e-4f57-9d8e-2d3b1c7e9a10' }),
});

export const TestPaymentInput = z
  .strictObject({ cardNumber: z.string().max(40).openapi({ example: '4242 4242 4242 4242' }) })
  .openapi('TestPaymentInput');

export const PaymentIntent = z
  .object({
    provider: z.enum(['stripe', 'test']),
    orderNumber: z.string(),
    amount: Money,
    paymentId: z.string().openapi({ description: 'Stripe: the PaymentIntent id (pi_…).' }),
    clientSecret: z.string().optional().openapi({ description: 'Stripe: for the Payment Sheet (confirmPayment). Never log it.' }),
    publishableKey: z.string().optional().openapi({ description: 'Stripe: the store’s publishable key.' }),
    testPayment: z
      .object({
        path: z.string().openapi({ description: 'POST a card number here to pay.' }),
        cards: z.object({ succeeds: z.string(), declined: z.string(), insufficientFunds: z.string() }),
      })
      .optional()
      .openapi({ description: 'The built-in test provider: no real payment is taken.' }),
  })
  .openapi('PaymentIntent');

export const OrderStatus = z.enum(orderStatuses).openapi('OrderStatus');

export const OrderSummary = z
  .object({ number: z.string(), status: OrderStatus, statusLabel: z.string(), placedAt: z.iso.datetime(), paidAt: z.iso.datetime().nullable(), total: Money })
  .openapi('OrderSummary');

export const OrderList = z.object(pageOf(OrderSummary)).openapi('OrderList');

export const Order = z
  .object({
    number: z.string(),
    status: OrderStatus,
    statusLabel: z.string(),
    placedAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
    payBy: z.iso.datetime().nullable().openapi({ description: 'An unpaid order lets go of its stock at this time.' }),
    email: z.string(),
    totals: z.object({ subtotal: Money, discount: Money, shipping: Money, tax: Money, total: Money, refunded: Money }),
    pricesIncludeTax: z.boolean(),
    couponCode: z.string().nullable(),
    shippingMethod: z.object({ code: z.string(), name: z.string() }),
    shippingAddress: z.object({ fullName: z.string(), addressLine1: z.string(), addressLine2: z.string(), city: z.string(), state: z.string(), postalCode: z.string(), country: z.string(), phone: z.string() }),
    smsUpdates: z.boolean(),
    items: z.array(
      z.object({
        id: z.number().int(),
        variantId: z.number().int().nullable(),
        productSlug: z.string(),
        name: z.string(),
        sku: z.string(),
        options: z.record(z.string(), z.string()),
        unitPrice: Money,
        quantity: z.number().int(),
        discount: Money,
        tax: Money,
        total: Money,
      }),
    ),
    tracking: z.object({ carrier: z.string(), trackingNumber: z.string(), shippedAt: z.iso.datetime().nullable(), deliveredAt: z.iso.datetime().nullable() }).nullable(),
    timeline: z.array(z.object({ at: z.iso.datetime(), status: OrderStatus, label: z.string(), note: z.string() })).openapi({ description: 'The order’s history, oldest first, as its page shows it.' }),
    returns: z.array(z.object({ id: z.number().int(), status: z.enum(['requested', 'approved', 'rejected']), reason: z.string(), requestedAt: z.iso.datetime() })),
    canCancel: z.boolean(),
  })
  .openapi('Order');

const iso = (date: Date | string | null): string | null => (date === null ? null : new Date(date).toISOString());

export function orderSummaryJson(order: OrderRow): z.infer<typeof OrderSummary> {
  return { number: order.number, status: order.status, statusLabel: statusLabels[order.status], placedAt: iso(order.placed_at)!, paidAt: iso(order.paid_at), total: money(order.total_cents, order.currency) };
}

export function orderJson({ order, items, events, returns }: OrderDetail): z.infer<typeof Order> {
  const cash = (cents: number) => money(cents, order.currency);
  return {
    ...orderSummaryJson(order),
    payBy: order.status === 'pending' ? iso(order.expires_at) : null,
    email: order.email,
    totals: { subtotal: cash(order.subtotal_cents), discount: cash(order.discount_cents), shipping: cash(order.shipping_cents), tax: cash(order.tax_cents), total: cash(order.total_cents), refunded: cash(order.refunded_cents) },
    pricesIncludeTax: order.prices_include_tax,
    couponCode: order.coupon_code,
    shippingMethod: { code: order.shipping_method_code, name: order.shipping_method_name },
    shippingAddress: {
      fullName: order.full_name,
      addressLine1: order.address_line1,
      addressLine2: order.address_line2,
      city: order.city,
      state: order.state,
      postalCode: order.postal_code,
      country: order.country,
      phone: order.phone,
    },
    smsUpdates: order.sms_updates,
    items: items.map((item) => ({
      id: item.id,
      variantId: item.variant_id,
      productSlug: item.product_slug,
      name: item.product_name,
      sku: item.sku,
      options: item.options,
      unitPrice: cash(item.unit_price_cents),
      quantity: item.quantity,
      discount: cash(item.discount_cents),
      tax: cash(item.tax_cents),
      total: cash(item.total_cents),
    })),
    tracking: order.carrier && order.tracking_number ? { carrier: order.carrier, trackingNumber: order.tracking_number, shippedAt: iso(order.shipped_at), deliveredAt: iso(order.delivered_at) } : null,
    timeline: events.map((event) => ({ at: iso(event.occurred_at)!, status: event.to_status, label: statusLabels[event.to_status], note: event.note })),
    returns: returns.map((request) => ({ id: request.id, status: request.status, reason: request.reason, requestedAt: iso(request.requested_at)! })),
    canCancel: canTransition(order.status, 'cancelled'),
  };
}
