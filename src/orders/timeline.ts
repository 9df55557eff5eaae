import type { OrderEventsTable, OrderRefundsTable } from '../db/schema-orders.js';
import type { OrderStatus } from './status.js';

/** One line of an order's history on the staff screen. `who` is the member of staff, when one acted. */
export type TimelineEntry =
  | { kind: 'status'; at: Date; from: OrderStatus | null; to: OrderStatus; actor: OrderEventsTable['actor']; who: string | null; note: string }
  | { kind: 'refund'; at: Date; sequence: number; amountCents: number; status: OrderRefundsTable['status']; reason: string; restock: boolean; who: string | null }
  | { kind: 'note'; at: Date; body: string; who: string | null }
  | { kind: 'return'; at: Date; requestId: number; step: 'requested' | 'approved' | 'rejected'; reason: string; who: string | null };

export interface TimelineSources {
  events: { from_status: OrderStatus | null; to_status: OrderStatus; actor: OrderEventsTable['actor']; actor_name: string | null; note: string; occurred_at: Date }[];
  refunds: { sequence: number; amount_cents: number; status: OrderRefundsTable['status']; reason: string; restock: boolean; actor_name: string | null; created_at: Date }[];
  notes: { body: string; author_name: string | null; created_at: Date }[];
  returns: { id: number; status: 'requested' | 'approved' | 'rejected'; reason: string; requested_at: Date; decided_at: Date | null; decided_by_name: string | null }[];
}

/**
 * Status changes, refunds, internal notes and return requests merged into one history, oldest
 * first. The sort is stable, so things that happened in the same instant keep the order of
 * their kinds above (a refund's status change before the refund line that caused it).
 */
export function buildTimeline({ events, refunds, notes, returns }: TimelineSources): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...events.map((event) => ({ kind: 'status' as const, at: new Date(event.occurred_at), from: event.from_status, to: event.to_status, actor: event.actor, who: event.actor_name, note: event.note })),
    ...refunds.map((refund) => ({
      kind: 'refund' as const,
      at: new Date(refund.created_at),
      sequence: refund.sequence,
      amountCents: refund.amount_cents,
      status: refund.status,
      reason: refund.reason,
      restock: refund.restock,
      who: refund.actor_name,
    })),
    ...notes.map((note) => ({ kind: 'note' as const, at: new Date(note.created_at), body: note.body, who: note.author_name })),
    ...returns.flatMap((request) => [
      { kind: 'return' as const, at: new Date(request.requested_at), requestId: request.id, step: 'requested' as const, reason: request.reason, who: null },
      ...(request.decided_at && request.status !== 'requested'
        ? [{ kind: 'return' as const, at: new Date(request.decided_at), requestId: request.id, step: request.status, reason: request.reason, who: request.decided_by_name }]
        : []),
    ]),
  ];
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}
