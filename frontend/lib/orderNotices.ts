/**
 * What the page tells a trader about their orders, apart from its looks: the toast after placing
 * one, the toast when one of their open orders is closed by the exchange rather than by a fill or
 * a cancel from this page (self-trade prevention, another session...), and the words for the
 * exchange's refusals. Pure: the components and hooks decide when.
 */
import { add, isPositive, isZero, normalize, sub } from './decimal';
import { formatPrice, formatQty } from './format';
import type { DepthDiff, Market, OpenOrder, Order, OrderStatus, PlacedOrder, Side, TimeInForce } from './types';

/** The toasts' kinds (components/ui/Toasts.tsx): a fill is a success, nothing filled a warning. */
export type NoticeKind = 'success' | 'error' | 'info' | 'warning';

export interface Notice {
  kind: NoticeKind;
  title: string;
  detail?: string;
}

const sideWord = (side: Side) => (side === 'buy' ? 'Buy' : 'Sell');

/** The toast for an order just placed, from the exchange's answer. */
export function placedNotice(placed: PlacedOrder, side: Side, market: Market, timeInForce: TimeInForce | null): Notice {
  const what = `${sideWord(side)} ${market.baseAsset}`;
  const filled = `${formatQty(placed.executedQty, market.stepSize)} ${market.baseAsset}`;
  const nothingFilled = isZero(placed.executedQty);
  switch (placed.status) {
    case 'FILLED':
      return { kind: 'success', title: `${what}: filled`, detail: `${filled} filled` };
    case 'PARTIALLY_FILLED':
      return { kind: 'success', title: `${what}: partially filled`, detail: `${filled} filled, the rest is open` };
    case 'CANCELED':
    case 'EXPIRED':
    case 'REJECTED': {
      const status = placed.status.toLowerCase();
      const why = timeInForce === 'FOK' ? 'the book could not fill all of it at once'
        : timeInForce === 'IOC' ? 'nothing in the book to trade with at its price' : null;
      if (nothingFilled) {
        return { kind: 'warning', title: `${what}: ${status}, nothing filled`, detail: why ? `${timeInForce}: ${why}` : undefined };
      }
      return { kind: 'success', title: `${what}: partially filled`, detail: `${filled} filled, the rest ${status}` };
    }
    default:
      return { kind: 'success', title: `${what}: order placed`, detail: nothingFilled ? 'Open in the book' : `${filled} filled, the rest is open` };
  }
}

/** Whether an order in `status` has closed without being filled in full. */
function closedUnfilled(status: OrderStatus): boolean {
  return status === 'CANCELED' || status === 'EXPIRED' || status === 'REJECTED';
}

/**
 * The toast for one of the user's open orders that closed without a fill or a cancel from this
 * page (the exchange's self-trade prevention, a cancel from another session...), from the order's
 * final state; null when it needs none (filled in full, or still open).
 */
export function closedNotice(order: Order, market: Market): Notice | null {
  if (!closedUnfilled(order.status)) return null;
  const status = order.status.toLowerCase();
  const price = order.price === null ? 'market' : formatPrice(order.price, market.tickSize);
  const title = `${sideWord(order.side)} ${formatQty(order.quantity, market.stepSize)} ${market.baseAsset} at ${price}: ${status}`;
  const filled = isPositive(order.executedQty)
    ? `${formatQty(order.executedQty, market.stepSize)} filled, ${formatQty(sub(order.quantity, order.executedQty), market.stepSize)} ${status}`
    : 'nothing filled';
  return { kind: 'warning', title, detail: `Not from this page: closed by the exchange or another session (${filled}). Order ${order.orderId}` };
}

/**
 * The ids of `before`'s orders that are not in `after` (closed since), leaving out those this page
 * closed itself (`ownCloses`).
 */
export function vanishedOrders(before: readonly OpenOrder[], after: readonly OpenOrder[], ownCloses: ReadonlySet<string>): string[] {
  const still = new Set(after.map((o) => o.orderId));
  return before.filter((o) => !still.has(o.orderId) && !ownCloses.has(o.orderId)).map((o) => o.orderId);
}

/** What the user's open orders leave resting at each price: `side:price` -> quantity. */
export function restingByLevel(orders: readonly OpenOrder[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of orders) {
    const k = `${o.side}:${normalize(o.price)}`;
    const left = o.remainingQty ?? sub(o.quantity, o.filled);
    const have = out.get(k);
    out.set(k, have === undefined ? left : add(have, left));
  }
  return out;
}

/**
 * Whether a depth update shows that one of the user's resting orders changed: a level where the
 * user rests now holds less than the user's own orders there (so part of them left the book).
 */
export function depthTouchesMine(diff: DepthDiff, mine: ReadonlyMap<string, string>): boolean {
  if (mine.size === 0) return false;
  const check = (levels: DepthDiff['bids'], side: Side) => levels.some(([price, qty]) => {
    const own = mine.get(`${side}:${normalize(price)}`);
    return own !== undefined && isPositive(sub(own, qty));
  });
  return check(diff.bids, 'buy') || check(diff.asks, 'sell');
}

/** What to tell a person about an order the exchange refused. */
export interface OrderErrorText {
  message: string;
  /** Show the API's code next to the message (not when the message says it in plain words). */
  showCode: boolean;
  /** Offer the deposit form (the user has no funds, or not enough). */
  deposit: boolean;
}

export function orderErrorText(code: string | undefined, message: string, ctx: { userId: string; spendAsset: string }): OrderErrorText {
  if (code === 'UNKNOWN_USER') {
    return {
      message: `User ${ctx.userId} has no funds yet. Deposit ${ctx.spendAsset} first (Balances → Deposit), then place the order.`,
      showCode: false,
      deposit: true,
    };
  }
  return { message, showCode: code !== undefined, deposit: code === 'INSUFFICIENT_FUNDS' };
}
