/**
 * Average price of an order's trades: executedQuoteQty / executedQty, computed exactly on decimal
 * strings (lib/decimal.ts), never through floating point.
 *
 * Rule: the result is a multiple of the market's tick, rounded against the user: a buy's average
 * is rounded UP to the next tick, a sell's DOWN to the previous one (what exchanges usually show).
 * So the price shown is never better than what the order really got: a buyer paid at most that
 * much per unit on average, a seller received at least that much. An average that falls exactly
 * on a tick is shown exactly. Example: 1.5 bought for 2250.755 (1500.50333...) shows 1500.51;
 * 4 sold for 5995.99 (1498.9975) shows 1498.99. `averageTitle` says the exact amounts behind it.
 */
import { precisionIn } from './assetPrecision';
import { add, cmp, decimalsOf, div, isPositive, mul, truncateToStep } from './decimal';
import { formatAmount, formatQty } from './format';
import type { Dec, Market, Side } from './types';

export interface Executed {
  side: Side;
  executedQty: Dec;
  /** Null when the exchange does not report it. */
  executedQuoteQty: Dec | null;
}

/**
 * The average price of what the order traded, at the tick (see the rule above), or null when it
 * has traded nothing or the exchange does not report the quote amount.
 */
export function averagePrice(order: Executed, tickSize: Dec): Dec | null {
  const { side, executedQty: qty, executedQuoteQty: quote } = order;
  if (quote === null || !isPositive(qty) || !isPositive(tickSize)) return null;
  // Truncated to the tick's decimals by div, then down to a multiple of the tick (a tick such as
  // 0.05 has 2 decimals but not every 2-decimal value is on it): the largest tick <= the average.
  const down = truncateToStep(div(quote, qty, decimalsOf(tickSize)), tickSize);
  if (side === 'sell') return down;
  // A buy rounds up unless the average is exactly on that tick (down x qty == quote).
  return cmp(mul(down, qty), quote) < 0 ? add(down, tickSize) : down;
}

/**
 * "Paid 3,016.00 INR for 3.00 TATA": the exact amounts behind an average price, the quote padded
 * to its asset's precision (from an exchange that does not say it, as sent), never rounded.
 */
export function averageTitle(order: Executed, market: Market): string | undefined {
  if (order.executedQuoteQty === null) return undefined;
  const quote = `${formatAmount(order.executedQuoteQty, precisionIn(market.quoteAsset, market) ?? 0)} ${market.quoteAsset}`;
  return `${order.side === 'buy' ? 'Paid' : 'Received'} ${quote} for ${formatQty(order.executedQty, market.stepSize)} ${market.baseAsset}`;
}
