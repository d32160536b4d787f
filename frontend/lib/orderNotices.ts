/**
 * What the page tells a trader about their orders, apart from its looks: the toast after placing
 * one, the toasts when their open orders are closed by the exchange rather than by a fill or a
 * cancel from this page (self-trade prevention, another session...; one summary for a burst), and
 * the words for the exchange's refusals. Pure: the components and hooks decide when.
 */
import { add, isPositive, isZero, normalize, sub } from './decimal';
import { ApiError } from './api';
import { formatPrice, formatQty } from './format';
import { orderRefusal } from './refusals';
import type { DepthDiff, Market, OpenOrder, Order, OrderKind, OrderStatus, PlacedOrder, Side, TimeInForce } from './types';

/** The toasts' kinds (components/ui/Toasts.tsx): a fill is a success, nothing filled a warning. */
export type NoticeKind = 'success' | 'error' | 'info' | 'warning';

export interface Notice {
  kind: NoticeKind;
  title: string;
  detail?: string;
}

const sideWord = (side: Side) => (side === 'buy' ? 'Buy' : 'Sell');

/**
 * The toast for an order just placed, from the exchange's answer. `type`: a market order is IOC
 * (or FOK) and has no price of its own: what limits it is the market's price band.
 */
export function placedNotice(placed: Pick<PlacedOrder, 'status' | 'executedQty'>, side: Side, market: Market, timeInForce: TimeInForce | null, type: OrderKind = 'limit'): Notice {
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
      // Why it expired (a cancel or a refusal has other reasons: self-trade prevention, post-only).
      const where = type === 'market' ? `within the price band (${side === 'buy' ? 'asks' : 'bids'} near the last price)` : 'at its price';
      const why = placed.status !== 'EXPIRED' ? null
        : timeInForce === 'FOK' ? `the book could not fill all of it at once${type === 'market' ? ' within the price band' : ''}`
          : timeInForce === 'IOC' ? `nothing in the book to trade with ${where}` : null;
      if (nothingFilled) {
        return { kind: 'warning', title: `${what}: ${status}, nothing filled`, detail: why ? `${timeInForce}: ${why}` : undefined };
      }
      return { kind: 'success', title: `${what}: partially filled`, detail: `${filled} filled, the rest ${status}` };
    }
    default:
      return { kind: 'success', title: `${what}: order placed`, detail: nothingFilled ? 'Open in the book' : `${filled} filled, the rest is open` };
  }
}

/**
 * The toast for an order from this page whose answer was lost, once the exchange shows what
 * became of it (`order`, found by its clientOrderId: told as the answer would have been), or when
 * a minute of lookups did not find it (null): `asked`, the exchange answered them, so it was not
 * placed; else it could not be reached, the state is unknown, and the trader is told where to look.
 */
export function lostAnswerNotice(side: Side, order: Order | null, market: Market, asked = true): Notice {
  // Not its clientOrderId: the page's own bookkeeping, no name the trader knows the order by.
  if (order) {
    const n = placedNotice(order, order.side, market, order.timeInForce, order.type);
    const found = `Found after its answer was lost: order ${order.orderId}`;
    return { ...n, detail: n.detail ? `${n.detail}. ${found}` : found };
  }
  if (asked) {
    return {
      kind: 'info', title: `${sideWord(side)} ${market.baseAsset}: not placed`,
      detail: 'The answer to placing it was lost, and the exchange, reached again, has no such order: it was not placed. You may place it again.',
    };
  }
  return {
    kind: 'warning', title: `${sideWord(side)} ${market.baseAsset}: outcome unknown`,
    detail: 'The answer to placing it was lost and the exchange could not be reached to look for it. Check Open orders and Order history before placing it again.',
  };
}

/** Whether an order in `status` has closed without being filled in full. */
function closedUnfilled(status: OrderStatus): boolean {
  return status === 'CANCELED' || status === 'EXPIRED' || status === 'REJECTED';
}

/**
 * Why one of the user's open orders closed without a fill or a cancel from this page:
 * `elsewhere`, the exchange or another session of the user (a cancel there, or self-trade
 * prevention when that session's order crossed it); `selfTrade`, self-trade prevention when an
 * order placed from this page (of side `takerSide`) crossed it.
 */
export type ClosureCause = 'elsewhere' | 'selfTrade';

export interface Closure {
  order: Order;
  cause: ClosureCause;
  /** For `selfTrade`: the side of this page's order that crossed it. */
  takerSide?: Side;
}

function describeClosed(order: Order, market: Market): { title: string; filled: string; short: string } {
  const status = order.status.toLowerCase();
  const price = order.price === null ? 'market' : formatPrice(order.price, market.tickSize);
  const what = `${sideWord(order.side)} ${formatQty(order.quantity, market.stepSize)} ${market.baseAsset} at ${price}`;
  const filled = isPositive(order.executedQty)
    ? `${formatQty(order.executedQty, market.stepSize)} filled, ${formatQty(sub(order.quantity, order.executedQty), market.stepSize)} ${status}`
    : 'nothing filled';
  return { title: `${what}: ${status}`, filled, short: `${what} (${status})` };
}

/**
 * The toast for one of the user's open orders that closed without a fill or a cancel from this
 * page, from the order's final state and why (`cause`); null when it needs none (filled in full,
 * or still open).
 */
export function closedNotice(order: Order, market: Market, cause: ClosureCause = 'elsewhere', takerSide?: Side): Notice | null {
  if (!closedUnfilled(order.status)) return null;
  const { title, filled } = describeClosed(order, market);
  if (cause === 'selfTrade') {
    const taker = takerSide ? `your ${takerSide} order` : 'your order';
    return { kind: 'warning', title, detail: `Canceled by self-trade prevention when ${taker} from this page crossed it (${filled}). Order ${order.orderId}` };
  }
  return { kind: 'warning', title, detail: `Not from this page: closed by the exchange or another session (${filled}). Order ${order.orderId}` };
}

/** How many closed orders a summary names before "and N more". */
const SUMMARY_NAMES = 3;

/**
 * The toasts for closures found together (lib/closedOrders.ts gathers them): one per order when
 * there is one of a cause, one summary per cause when there are several ("12 orders closed by the
 * exchange or another session"), never a toast per order of a burst. Orders filled in full or
 * still open need none.
 */
export function closureNotices(closures: readonly Closure[], market: Market): Notice[] {
  const out: Notice[] = [];
  for (const cause of ['selfTrade', 'elsewhere'] as const) {
    const group = closures.filter((c) => c.cause === cause && closedUnfilled(c.order.status));
    if (group.length === 0) continue;
    if (group.length === 1) {
      const [c] = group as [Closure];
      const n = closedNotice(c.order, market, c.cause, c.takerSide);
      if (n) out.push(n);
      continue;
    }
    const names = group.slice(0, SUMMARY_NAMES).map((c) => describeClosed(c.order, market).short).join('; ');
    const more = group.length > SUMMARY_NAMES ? `; and ${group.length - SUMMARY_NAMES} more` : '';
    if (cause === 'selfTrade') {
      const sides = new Set(group.map((c) => c.takerSide));
      const taker = sides.size === 1 && group[0]?.takerSide ? `your ${group[0].takerSide} order` : 'your orders';
      out.push({
        kind: 'warning', title: `${group.length} of your orders canceled by self-trade prevention`,
        detail: `${taker[0]?.toUpperCase()}${taker.slice(1)} from this page crossed them: ${names}${more}. See Order history`,
      });
    } else {
      out.push({
        kind: 'warning', title: `${group.length} orders closed by the exchange or another session`,
        detail: `Not from this page: ${names}${more}. See Order history`,
      });
    }
  }
  return out;
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
  /** The exchange's own text, when `message` says it in plain words (shown smaller). */
  detail?: string;
  /** Show the API's code next to the message (not when the message says it in plain words). */
  showCode: boolean;
  /** Offer the deposit form (the user has no funds, or not enough). */
  deposit: boolean;
  /**
   * The order may or may not have been placed (`outcomeUnknown`). Such a message stays until the
   * trader acts (not cleared when the connection is back).
   */
  unknownOutcome: boolean;
}

/** Codes of a request that got no answer (lib/api.ts): it may or may not have reached the exchange. */
const NO_ANSWER_CODES = new Set(['NETWORK', 'TIMEOUT']);

/**
 * Statuses of an answer that does not say what became of the request: 503 is what the exchange's
 * gateway answers (UNAVAILABLE, "the service did not answer in time") when the service behind it
 * did not answer within --request-timeout-ms, while the request may still go through; 502 and
 * 504 are a proxy's in front of it (deploy/nginx) when the exchange's answer did not reach it.
 */
const UNTOLD_STATUSES = new Set([502, 503, 504]);

/**
 * Whether a failed request's outcome is unknown: the exchange may have carried it out (no answer
 * came, or the answer is one of UNTOLD_STATUSES). The one test for it: an order, a cancel and a
 * deposit that failed so are told as "may have gone through", never as refused.
 */
export function outcomeUnknown(err: unknown): boolean {
  return err instanceof ApiError && (NO_ANSWER_CODES.has(err.code) || UNTOLD_STATUSES.has(err.status));
}

export function orderErrorText(err: unknown, message: string, ctx: { userId: string; spendAsset: string; market?: Market }): OrderErrorText {
  const code = err instanceof ApiError ? err.code : undefined;
  if (code === 'UNKNOWN_USER') {
    return {
      message: `User ${ctx.userId} has no funds yet. Deposit ${ctx.spendAsset} first (Balances → Deposit), then place the order.`,
      showCode: false,
      deposit: true,
      unknownOutcome: false,
    };
  }
  if (outcomeUnknown(err)) {
    // A browser cannot tell a request that never left from one whose answer was lost (the
    // exchange may have taken the order and then the connection dropped), nor can a 503 tell
    // that the order will not go through: the outcome is unknown, and stays so when the
    // connection comes back.
    return {
      message: `${message}: the order may have been placed. Check Open orders before placing it again.`,
      showCode: true,
      deposit: false,
      unknownOutcome: true,
    };
  }
  const deposit = code === 'INSUFFICIENT_FUNDS';
  const plain = code !== undefined && ctx.market ? orderRefusal(code, ctx.market, ctx.spendAsset) : null;
  if (plain) return { message: plain, detail: message, showCode: false, deposit, unknownOutcome: false };
  return { message, showCode: code !== undefined, deposit, unknownOutcome: false };
}

/**
 * The toast for a cancel (of one order, or of all) that failed: refused, the orders stay open; or
 * its outcome is unknown (`outcomeUnknown`), and the open orders, reloaded, will show it.
 */
export function cancelErrorNotice(err: unknown, message: string, all: boolean): Notice {
  if (outcomeUnknown(err)) {
    return {
      kind: 'warning', title: `Cancel${all ? ' all' : ''}: outcome unknown`,
      detail: `${message}: the cancel may have gone through. Open orders are reloaded to show what is still open.`,
    };
  }
  return { kind: 'error', title: 'Cancel failed', detail: message };
}
