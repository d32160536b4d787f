/**
 * Plain words for what keeps an order or a deposit from going through: an order beyond the
 * balance it needs, found before it is sent (`fundsShortfall`), and the exchange's refusals, said
 * from their code where the code says enough (`orderRefusal`, `depositRefusal`). The exchange's
 * own text ("insufficient funds: needs 100000000 INR, available 9987839.4847 INR": raw amounts,
 * no separators) stays available as the detail, in smaller print.
 */
import { ApiError } from './api';
import { formatAssetAmount } from './assetPrecision';
import { cmp, decimalsOf, isPositive } from './decimal';
import { isPlainDecimal, orderTotal, type OrderFormValues } from './orderForm';
import type { Dec, Market } from './types';

/** What the form says of a refusal: `message` in plain words; `detail`, the exchange's text. */
export interface RefusalText {
  message: string;
  detail?: string;
}

/**
 * Whether an order would need more than the available balance of the asset it spends: a buy its
 * total in the quote asset, a sell its amount in the base asset. Not for a market buy (what it
 * spends is known only once it trades; the exchange refuses it if short) nor while the balance
 * or the order's numbers are not known: null then, and when there is enough.
 */
export function fundsShortfall(v: OrderFormValues, market: Market, available: Dec | null): string | null {
  if (available === null || !isPlainDecimal(v.quantity)) return null;
  let needs: Dec | null;
  if (v.side === 'sell') needs = v.quantity.trim();
  else needs = v.type === 'limit' ? orderTotal(v.price, v.quantity) : null;
  if (needs === null || !isPositive(needs) || cmp(needs, available) <= 0) return null;
  const asset = v.side === 'buy' ? market.quoteAsset : market.baseAsset;
  return `Not enough ${asset}: this order needs ${formatAssetAmount(needs, asset, market)} and ${formatAssetAmount(available, asset, market)} is available. `
    + 'Nothing was sent: lower the amount, or deposit first.';
}

/**
 * The plain message for an order the exchange refused, from its code; null for a code that says
 * too little by itself (the exchange's message is shown then).
 */
export function orderRefusal(code: string, market: Market, spendAsset: string): string | null {
  switch (code) {
    case 'INSUFFICIENT_FUNDS': return `Not enough ${spendAsset} available for this order.`;
    case 'POST_ONLY_WOULD_CROSS': return 'Post only: at this price the order would trade at once, so it was not placed.';
    case 'MIN_NOTIONAL': return `The order's total is below this market's minimum of ${formatAssetAmount(market.minNotional, market.quoteAsset, market)}.`;
    case 'INVALID_PRICE': return `The price is not one this market takes (steps of ${market.tickSize} ${market.quoteAsset}).`;
    case 'INVALID_QUANTITY': return `The amount is not one this market takes (at least ${market.minQty}, in steps of ${market.stepSize} ${market.baseAsset}).`;
    case 'TOO_MANY_ORDERS': return 'You have as many open orders in this market as the exchange allows: cancel some first.';
    case 'RATE_LIMITED': return 'Too many requests at once: wait a moment, then try again.';
    case 'UNKNOWN_MARKET': return `The exchange does not trade ${market.symbol}.`;
    case 'DUPLICATE_CLIENT_ORDER_ID': return 'An open order already has this order\'s id: check Open orders.';
    default: return null;
  }
}

/**
 * The exchange's words for a deposit larger than a balance can hold: beyond what the balance can
 * grow to ("amount would overflow the balance", actors/account/ledger.cpp), or beyond any amount
 * (its decimals hold about 92 billion: "... with at most 8 decimals and within range", which an
 * amount of 8 decimals or fewer fails only by its size).
 */
const OVERFLOW = /overflow/i;
const OUT_OF_RANGE = /within range/i;
const EXCHANGE_DECIMALS = 8;

/** The plain message for a deposit of `amount` (as sent) that the exchange refused. */
export function depositRefusal(err: unknown, asset: string, amount: string): RefusalText {
  const detail = err instanceof ApiError ? err.message || err.code : err instanceof Error ? err.message : String(err);
  const tooLarge = err instanceof ApiError
    && (OVERFLOW.test(err.message) || (OUT_OF_RANGE.test(err.message) && decimalsOf(amount) <= EXCHANGE_DECIMALS));
  if (tooLarge) {
    return { message: `That is more ${asset} than an account can hold: deposit a smaller amount.`, detail };
  }
  if (err instanceof ApiError && err.code === 'RATE_LIMITED') return { message: 'Too many requests at once: wait a moment, then try again.', detail };
  return { message: detail };
}
