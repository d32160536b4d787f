/**
 * The toasts for fills of the user's resting orders: an order that waited in the book and was
 * met by someone else's (the order just placed from this page is told by its answer instead,
 * lib/orderNotices.ts `placedNotice`). "Sell 0.30 TATA filled at 999.10" once an order is filled
 * in full, "Sell 0.10 of 0.30 TATA filled at 999.10" while the rest is still open; one summary
 * for a burst. Pure: hooks/useAccount.tsx keeps the fills until a load of the open orders that
 * started after them shows whether their orders are still open.
 */
import { add, cmp, sub } from './decimal';
import { formatPrice, formatQty } from './format';
import type { Notice } from './orderNotices';
import type { Market, OpenOrder, UserFill } from './types';

/** A fill of one of the user's open orders, with the order as it was listed before it. */
export interface RestingFill {
  fill: UserFill;
  order: OpenOrder;
}

/** How many filled orders a burst's summary names before "and N more". */
const SUMMARY_NAMES = 3;
/** Up to this many filled orders get a toast each; more are one summary. */
const SINGLE_TOASTS = 2;

const sideWord = (side: OpenOrder['side']) => (side === 'buy' ? 'Buy' : 'Sell');

/** The fill's words for one order: what of it filled, at what price, and what is left. */
function describe(order: OpenOrder, fills: readonly UserFill[], stillOpen: OpenOrder | undefined, market: Market): Notice {
  const filledNow = fills.reduce((sum, f) => add(sum, f.quantity), '0');
  const prices = [...new Set(fills.map((f) => formatPrice(f.price, market.tickSize, true)))];
  const at = prices.length === 1 ? prices[0] : `${prices[0]} to ${prices[prices.length - 1]}`;
  const qty = (v: string) => formatQty(v, market.stepSize, true);
  const whole = cmp(add(order.filled, filledNow), order.quantity) >= 0;
  if (whole && !stillOpen) {
    return { kind: 'success', title: `${sideWord(order.side)} ${qty(order.quantity)} ${market.baseAsset} filled at ${at}`, detail: `Order ${order.orderId}` };
  }
  const left = stillOpen ? stillOpen.remainingQty ?? sub(stillOpen.quantity, stillOpen.filled) : null;
  return {
    kind: 'success',
    title: `${sideWord(order.side)} ${qty(filledNow)} of ${qty(order.quantity)} ${market.baseAsset} filled at ${at}`,
    detail: left !== null ? `Partially filled: ${qty(left)} ${market.baseAsset} still open. Order ${order.orderId}` : `Partially filled. Order ${order.orderId}`,
  };
}

/**
 * The toasts for `fills` of resting orders, given the open orders loaded after them (`open`):
 * one per order (its fills together), or one summary when more than SINGLE_TOASTS orders filled.
 */
export function fillNotices(fills: readonly RestingFill[], open: readonly OpenOrder[], market: Market): Notice[] {
  const byOrder = new Map<string, { order: OpenOrder; fills: UserFill[] }>();
  const seen = new Set<string>();
  for (const { fill, order } of fills) {
    const key = `${fill.tradeId}:${fill.orderId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = byOrder.get(order.orderId) ?? { order, fills: [] };
    entry.fills.push(fill);
    byOrder.set(order.orderId, entry);
  }
  const stillOpen = new Map(open.map((o) => [o.orderId, o]));
  const notices = [...byOrder.values()].map((e) => describe(e.order, e.fills, stillOpen.get(e.order.orderId), market));
  if (notices.length <= SINGLE_TOASTS) return notices;
  const names = notices.slice(0, SUMMARY_NAMES).map((n) => n.title).join('; ');
  const more = notices.length > SUMMARY_NAMES ? `; and ${notices.length - SUMMARY_NAMES} more` : '';
  return [{ kind: 'success', title: `${notices.length} of your orders filled`, detail: `${names}${more}. See Fills` }];
}
