/**
 * The order form's rules, apart from its looks: input sanitising to the market's precision,
 * validation against tick/step/minimums (with messages for a person), totals and
 * percent-of-balance quantities, all in exact decimals, and the request it sends.
 */
import { add, cmp, decimalsOf, div, isDecimal, isMultipleOf, isPositive, mul, sub, truncateToStep } from './decimal';
import type { Market, NewOrder, OrderKind, Side, TimeInForce } from './types';

export interface OrderFormValues {
  side: Side;
  type: OrderKind;
  price: string;
  quantity: string;
  timeInForce: TimeInForce;
  postOnly: boolean;
}

/**
 * Keeps what a person types to a plain decimal with at most `maxDecimals` fractional digits:
 * other characters are dropped, a leading "." becomes "0.", and extra digits are cut off.
 */
export function sanitizeDecimalInput(text: string, maxDecimals: number): string {
  const cleaned = text.replace(/,/g, '').replace(/[^\d.]/g, '');
  const dot = cleaned.indexOf('.');
  if (dot < 0) return cleaned;
  const int = cleaned.slice(0, dot) || '0';
  if (maxDecimals <= 0) return int;
  const frac = cleaned.slice(dot + 1).replace(/\./g, '').slice(0, maxDecimals);
  return `${int}.${frac}`;
}

/** value + step (or - step), never below one step; an empty or invalid value starts from `from`. */
export function stepValue(value: string, step: string, direction: 1 | -1, from?: string): string {
  const base = isDecimal(value) ? truncateToStep(value, step) : from && isDecimal(from) ? from : '0';
  const next = direction > 0 ? add(base, step) : sub(base, step);
  return cmp(next, step) < 0 ? step : next;
}

/** price x quantity, or null when either is not a positive number yet. */
export function orderTotal(price: string, quantity: string): string | null {
  if (!isDecimal(price) || !isDecimal(quantity)) return null;
  return mul(price, quantity);
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
    if (!args.price || !isDecimal(args.price) || !isPositive(args.price)) return null;
    quantity = div(share, mul(args.price, '100'), stepDecimals + 2);
  }
  const q = truncateToStep(quantity, args.stepSize);
  return isPositive(q) ? q : null;
}

/**
 * What is wrong with the form for a person to fix, or null when it can be sent. Business rules the
 * page cannot know (funds, post-only crossing, price band...) are left to the exchange's answer.
 */
export function validateOrder(v: OrderFormValues, m: Market): string | null {
  if (v.type === 'limit') {
    if (!isDecimal(v.price) || !isPositive(v.price)) return 'Enter a price';
    if (!isMultipleOf(v.price, m.tickSize)) return `Price must be a multiple of ${m.tickSize}`;
  }
  if (!isDecimal(v.quantity) || !isPositive(v.quantity)) return 'Enter an amount';
  if (!isMultipleOf(v.quantity, m.stepSize)) return `Amount must be a multiple of ${m.stepSize}`;
  if (cmp(v.quantity, m.minQty) < 0) return `Minimum amount is ${m.minQty} ${m.baseAsset}`;
  if (v.type === 'limit' && cmp(mul(v.price, v.quantity), m.minNotional) < 0) {
    return `Minimum order value is ${m.minNotional} ${m.quoteAsset}`;
  }
  return null;
}

/** The request for a valid form. Decimals go as strings: their text is what the exchange reads. */
export function toNewOrder(v: OrderFormValues, m: Market, userId: string): NewOrder {
  const order: NewOrder = { market: m.symbol, userId, side: v.side, type: v.type, quantity: v.quantity };
  if (v.type === 'limit') {
    order.price = v.price;
    order.timeInForce = v.postOnly ? 'GTC' : v.timeInForce;
    if (v.postOnly) order.postOnly = true;
  } else if (v.timeInForce === 'FOK') {
    order.timeInForce = 'FOK'; // otherwise a market order's unfilled rest simply expires
  }
  return order;
}
