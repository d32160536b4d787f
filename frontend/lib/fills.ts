/**
 * The Fills tab's list: the user's fills from storage (`/fills`, the writer's batch behind
 * trading) and from the `fills@` stream (at once), merged into one newest-first list without
 * duplicates, and older pages of `/fills` below it (Load older).
 */
import type { ListRules } from './paging';
import { compareIds } from './trades';
import type { AccountFill, Fill, Side, UserFill } from './types';

/** Rows the tab keeps (more once older pages are loaded: lib/paging.ts). */
export const KEEP_FILLS = 100;
/** Fills asked of `/fills` at each load, and in each older page. */
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
 * The Fills tab's order and merge rules (lib/paging.ts): one row per (tradeId, orderId), newest
 * first by trade id (a market's trade ids only increase, also across restarts), not by time: a
 * stream fill's time is the page's clock, a stored one the exchange's. A stored fill replaces a
 * stream fill of the same key (it knows the side and the trade's time), never the other way round.
 * A page of `/fills` goes on below a trade id: the cursor.
 */
export const FILL_RULES: ListRules<AccountFill> = {
  key: fillKey,
  compare: (a, b) => compareIds(b.tradeId, a.tradeId) || compareIds(b.orderId, a.orderId),
  replaces: (incoming, have) => incoming.stored && !have.stored,
  stored: (f) => f.stored,
  cursor: (f) => f.tradeId,
};
