/**
 * The Fills tab's list: the user's fills from storage (`/fills`, the writer's batch behind
 * trading) and from the `fills@` stream (at once), merged into one newest-first list without
 * duplicates.
 */
import { compareIds } from './trades';
import type { AccountFill, Fill, Side, UserFill } from './types';

/** Rows the tab keeps. */
export const KEEP_FILLS = 100;
/** Fills asked of `/fills` at each load. */
export const LOAD_FILLS = 50;

/** A fill is one order's part in one trade: (tradeId, orderId) names it. */
export function fillKey(f: { tradeId: string; orderId: string }): string {
  return `${f.tradeId}:${f.orderId}`;
}

export function storedFill(f: Fill): AccountFill {
  return { tradeId: f.tradeId, orderId: f.orderId, side: f.side, price: f.price, quantity: f.quantity, time: f.time, stored: true };
}

export function liveFill(f: UserFill, side: Side | null = null): AccountFill {
  return { tradeId: f.tradeId, orderId: f.orderId, side, price: f.price, quantity: f.quantity, time: f.receivedAt, stored: false };
}

/**
 * Adds `incoming` to `current`: one row per (tradeId, orderId), newest first, at most `keep`. A
 * stored fill replaces a stream fill of the same key (it knows the side and the trade's time),
 * never the other way round. Newest first is by trade id (a market's trade ids only increase, also
 * across restarts), not by time: a stream fill's time is the page's clock, a stored one the
 * exchange's. Returns `current` itself when nothing changed.
 */
export function mergeFills(current: readonly AccountFill[], incoming: readonly AccountFill[], keep = KEEP_FILLS): readonly AccountFill[] {
  const byKey = new Map<string, AccountFill>();
  for (const f of current) byKey.set(fillKey(f), f);
  let changed = false;
  for (const f of incoming) {
    const key = fillKey(f);
    const have = byKey.get(key);
    if (have && (have.stored || !f.stored)) continue;
    byKey.set(key, f);
    changed = true;
  }
  if (!changed) return current;
  const all = [...byKey.values()];
  all.sort((a, b) => compareIds(b.tradeId, a.tradeId) || compareIds(b.orderId, a.orderId));
  return all.slice(0, keep);
}
