/**
 * The order form's rules, apart from its looks: checks of typed numbers against the market's
 * precision (what a person typed is kept as typed and refused with a message, never rewritten),
 * validation against tick/step/minimums (with messages for a person), totals and
 * percent-of-balance quantities, all in exact decimals, and the request it sends.
 */
import { precisionIn } from './assetPrecision';
import { add, cmp, decimalsOf, div, isMultipleOf, isPositive, mul, normalize, sub, truncateToStep } from './decimal';
import { formatAmount, padDecimals } from './format';
import type { Dec, Market, NewOrder, OrderKind, Side, TimeInForce } from './types';

export interface OrderFormValues {
  side: Side;
  type: OrderKind;
  price: string;
  quantity: string;
  timeInForce: TimeInForce;
  postOnly: boolean;
}

/** A plain non-negative decimal as people type it: digits with at most one ".", nothing else. */
const PLAIN_DECIMAL_RE = /^(?:\d+\.?\d*|\.\d+)$/;

/** Whether `text` (spaces around it aside) is a plain non-negative decimal: "12", "12.5", ".5", "12.". */
export function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL_RE.test(text.trim());
}

/**
 * What is wrong with a typed number as such (negative, or not a plain decimal), or null. Empty
 * text and a lone "." (a number being typed) are not wrong yet.
 */
export function checkPlainDecimal(text: string, label: string): string | null {
  const t = text.trim();
  if (t === '' || t === '.') return null;
  if (t.startsWith('-')) return `${label} cannot be negative`;
  if (!PLAIN_DECIMAL_RE.test(t)) return `${label} must be a plain decimal number like 12.5 (digits and one ".", no letters, signs, commas or exponents)`;
  return null;
}

/**
 * What is wrong with a typed price or amount for this market's `step` (its tick or step size), or
 * null: negative, not a plain decimal, more decimals than the step allows, or not a multiple of it.
 * The text is never corrected: "2.5" on a market of whole steps is refused, not turned into 25.
 */
export function checkDecimalText(text: string, label: string, step: string): string | null {
  const plain = checkPlainDecimal(text, label);
  if (plain) return plain;
  const t = text.trim();
  if (t === '' || t === '.') return null;
  const allowed = decimalsOf(step);
  if (decimalsOf(t) > allowed) {
    return allowed === 0
      ? `${label} must be a whole number (a multiple of ${step})`
      : `${label} must be a multiple of ${step}: at most ${allowed} decimal${allowed === 1 ? '' : 's'}`;
  }
  if (!isMultipleOf(t, step)) return `${label} must be a multiple of ${step}`;
  return null;
}

/** value + step (or - step), never below one step; an empty or invalid value starts from `from`. */
export function stepValue(value: string, step: string, direction: 1 | -1, from?: string): string {
  const base = isPlainDecimal(value) ? truncateToStep(value.trim(), step) : from && isPlainDecimal(from) ? from : '0';
  const next = direction > 0 ? add(base, step) : sub(base, step);
  return cmp(next, step) < 0 ? step : next;
}

/** price x quantity, or null when either is not a plain decimal (yet). */
export function orderTotal(price: string, quantity: string): string | null {
  if (!isPlainDecimal(price) || !isPlainDecimal(quantity)) return null;
  return mul(price.trim(), quantity.trim());
}

/**
 * The quantity that uses `percent`% of the available balance: for a buy, of the quote balance at
 * `price`; for a sell, of the base balance. Rounded down to the market's step.
 */
export function quantityForPercent(args: { side: Side; available: string; price: string | null; percent: number; stepSize: string }): string | null {
  const share = mul(args.available, String(args.percent));
  const stepDecimals = decimalsOf(args.stepSize);
  let quantity: string;
  if (args.side === 'sell') {
    quantity = div(share, '100', stepDecimals + 2);
  } else {
    if (!args.price || !isPlainDecimal(args.price) || !isPositive(args.price)) return null;
    quantity = div(share, mul(args.price.trim(), '100'), stepDecimals + 2);
  }
  const q = truncateToStep(quantity, args.stepSize);
  return isPositive(q) ? q : null;
}

/**
 * What is wrong with the form for a person to fix, or null when it can be sent. Business rules the
 * page cannot know (funds, post-only crossing, price band...) are left to the exchange's answer.
 */
export function validateOrder(v: OrderFormValues, m: Market): string | null {
  const price = v.price.trim(), quantity = v.quantity.trim();
  if (v.type === 'limit') {
    const bad = checkDecimalText(price, 'Price', m.tickSize);
    if (bad) return bad;
    if (!isPlainDecimal(price) || !isPositive(price)) return 'Enter a price';
  }
  const bad = checkDecimalText(quantity, 'Amount', m.stepSize);
  if (bad) return bad;
  if (!isPlainDecimal(quantity) || !isPositive(quantity)) return 'Enter an amount';
  if (cmp(quantity, m.minQty) < 0) return `Minimum amount is ${m.minQty} ${m.baseAsset}`;
  if (v.type === 'limit' && cmp(mul(price, quantity), m.minNotional) < 0) {
    // The quote asset's precision when the exchange says it; else as configured, as before.
    return `Minimum order value is ${formatAmount(m.minNotional, precisionIn(m.quoteAsset, m) ?? 0)} ${m.quoteAsset}`;
  }
  return null;
}

/**
 * A valid typed number as the exchange reads it, the same value: spaces around it dropped, the
 * forms people type that the exchange refuses (".5", "5.", "0005") written out ("0.5", "5", "5"),
 * and with `step`, padded to its precision (" 2.5" -> "2.50" for a step of 0.01). Every amount the
 * page sends (orders, deposits) goes through here. The text must pass `isPlainDecimal`.
 */
export function toWireDecimal(text: string, step?: string): string {
  const n = normalize(text.trim());
  return step === undefined ? n : padDecimals(n, decimalsOf(step));
}

/**
 * Why the form cannot be sent, and where it says so: `field` when the message is the one the
 * field already shows under itself (a refused price or amount, `checkDecimalText`), so that the
 * form need not say it a second time; null `field` for what only the form says (no price, below
 * the minimums). Null when the form can be sent.
 */
export function submitProblem(v: OrderFormValues, m: Market): { field: 'price' | 'quantity' | null; message: string } | null {
  if (v.type === 'limit') {
    const bad = checkDecimalText(v.price, 'Price', m.tickSize);
    if (bad) return { field: 'price', message: bad };
  }
  const bad = checkDecimalText(v.quantity, 'Amount', m.stepSize);
  if (bad) return { field: 'quantity', message: bad };
  const invalid = validateOrder(v, m);
  return invalid ? { field: null, message: invalid } : null;
}

/**
 * The time in force the order goes with, which the form shows: a post-only order rests, so it is
 * GTC whatever was picked before it was ticked (the pick comes back when it is unticked); a market
 * order is IOC unless FOK was picked (it has no GTC: its unfilled rest expires).
 */
export function effectiveTimeInForce(v: Pick<OrderFormValues, 'type' | 'timeInForce' | 'postOnly'>): TimeInForce {
  if (v.type === 'market') return v.timeInForce === 'FOK' ? 'FOK' : 'IOC';
  return v.postOnly ? 'GTC' : v.timeInForce;
}

/**
 * The request for a valid form. Decimals go as strings: their text is what the exchange reads,
 * the value typed at the market's precision (never another value). `clientOrderId`: from
 * `newClientOrderId`.
 */
export function toNewOrder(v: OrderFormValues, m: Market, userId: string, clientOrderId?: string): NewOrder & { quantity: Dec } {
  const order: NewOrder & { quantity: Dec } = { market: m.symbol, userId, side: v.side, type: v.type, quantity: toWireDecimal(v.quantity, m.stepSize) };
  if (v.type === 'limit') {
    order.price = toWireDecimal(v.price, m.tickSize);
    order.timeInForce = effectiveTimeInForce(v);
    if (v.postOnly) order.postOnly = true;
  } else if (effectiveTimeInForce(v) === 'FOK') {
    order.timeInForce = 'FOK'; // otherwise a market order's unfilled rest simply expires
  }
  if (clientOrderId) order.clientOrderId = clientOrderId;
  return order;
}

/**
 * A new clientOrderId for an order from this page: "web-" and 24 random hex digits (the exchange
 * takes letters, digits, '_' and '-', at most 36; unique per user among open orders). The order is
 * recognised by it in the open orders when the answer to placing it is lost.
 */
export function newClientOrderId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
