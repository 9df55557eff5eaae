/**
 * The order states of CONTRACT.md and the moves between them, as a pure module: every change
 * of an order's status asks `checkTransition` first, so no code path can make another move.
 *
 *   pending → paid → processing → shipped → delivered
 *   pending or paid → cancelled
 *   paid and later → refunded or partially_refunded (partially_refunded may become refunded)
 */
export const orderStatuses = ['pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded', 'partially_refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const refundable: OrderStatus[] = ['paid', 'processing', 'shipped', 'delivered', 'partially_refunded'];

const moves: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'cancelled'],
  paid: ['processing', 'cancelled', 'refunded', 'partially_refunded'],
  processing: ['shipped', 'refunded', 'partially_refunded'],
  shipped: ['delivered', 'refunded', 'partially_refunded'],
  delivered: ['refunded', 'partially_refunded'],
  partially_refunded: ['refunded', 'partially_refunded'],
  cancelled: [],
  refunded: [],
};

export const statusLabels: Record<OrderStatus, string> = {
  pending: 'Awaiting payment',
  paid: 'Paid',
  processing: 'Being prepared',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  partially_refunded: 'Partly refunded',
};

export function isOrderStatus(value: string): value is OrderStatus {
  return (orderStatuses as readonly string[]).includes(value);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return moves[from].includes(to);
}

/** Undefined when the move is allowed; otherwise why not, in words for staff and shoppers. */
export function checkTransition(from: OrderStatus, to: OrderStatus): string | undefined {
  if (canTransition(from, to)) return undefined;
  if (from === to) return `The order is already ${statusLabels[from].toLowerCase()}.`;
  if (to === 'cancelled') return `An order that is ${statusLabels[from].toLowerCase()} can no longer be cancelled.`;
  if (to === 'refunded' || to === 'partially_refunded') return `Only a paid order can be refunded; this one is ${statusLabels[from].toLowerCase()}.`;
  return `An order cannot go from ${statusLabels[from].toLowerCase()} to ${statusLabels[to].toLowerCase()}.`;
}

/** Whether the goods are still here, so a cancellation or refund puts them back in stock. */
export function isUnshipped(status: OrderStatus): boolean {
  return status === 'pending' || status === 'paid' || status === 'processing';
}

export function isRefundable(status: OrderStatus): boolean {
  return refundable.includes(status);
}
