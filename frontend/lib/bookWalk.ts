/**
 * What a market order would get from the order book the page shows: the opposite side walked best
 * level first, as the exchange matches it (at each resting level's price), within the market
 * order's price band, leaving out the user's own resting orders (self-trade prevention cancels
 * them instead). Exact decimals; an estimate only because the book may move before the order
 * reaches the exchange.
 */
import { formatAssetAmount, type MarketAssetsInfo } from './assetPrecision';
import { add, cmp, decimalsOf, div, isPositive, min, mul, normalize, sub, truncateToStep } from './decimal';
import { formatQty } from './format';
import type { Dec, Side } from './types';

/** A price level: what `LocalOrderBook.levelsBestFirst` gives, best first. */
export interface WalkLevel {
  readonly price: Dec;
  readonly quantity: Dec;
}

export interface BookWalk {
  /** Base quantity the book fills (all that was asked when `complete`). */
  quantity: Dec;
  /** Quote paid (buy) or received (sell) for it. */
  total: Dec;
  /** Whether the book fills the whole order. */
  complete: boolean;
  /** The last (worst) price reached, null when nothing fills. */
  worstPrice: Dec | null;
  /** Whether levels beyond the price band were left out (the order would stop there). */
  banded: boolean;
  /**
   * Whether it ran out of the levels the book holds while the exchange's book may go on beyond
   * them (a snapshot cut at the levels asked for: `LocalOrderBook.cutAt`): the rest is not known.
   */
  cut: boolean;
}

/**
 * The price a market order's band is measured from, as the exchange takes it
 * (actors/market/order_book.cpp, `band_limit`): the last trade's price, or, on a market that has
 * not traded yet (last price 0 or unknown), the best price on the side the order takes from (the
 * whole book: the user's own orders there count). Null when there is neither: the exchange then
 * lets a market order fill nothing.
 */
export function bandReference(lastPrice: Dec | null, bestOpposite: Dec | null): Dec | null {
  if (lastPrice && isPositive(lastPrice)) return lastPrice;
  return bestOpposite && isPositive(bestOpposite) ? bestOpposite : null;
}

/**
 * The worst price a market order of `side` may trade at: the reference price (`bandReference`:
 * the last price, or the best opposite price before the first trade) plus (buy) or minus (sell)
 * `band` of it, in whole ticks (as the exchange computes it). Null when either is unknown.
 */
export function bandLimit(side: Side, lastPrice: Dec | null, band: Dec | null, tickSize: Dec, bestOpposite: Dec | null = null): Dec | null {
  const ref = bandReference(lastPrice, bestOpposite);
  if (!ref || !band || !isPositive(band)) return null;
  const delta = truncateToStep(mul(ref, band), tickSize);
  if (side === 'buy') return add(ref, delta);
  const low = sub(ref, delta);
  return cmp(low, tickSize) < 0 ? tickSize : low;
}

/**
 * What the user's own open orders rest on the side a taker of `side` takes from (a buy: their
 * sells), by price (normalised) -> remaining quantity. Self-trade prevention cancels those rather
 * than trading with them (the exchange's default policy, `cancel_resting`), so a market order's
 * estimate leaves them out (`withoutOwn`).
 */
export function ownLevels(orders: readonly { side: Side; price: Dec; quantity: Dec; filled: Dec; remainingQty: Dec | null }[] | null, takerSide: Side): Map<string, Dec> {
  const out = new Map<string, Dec>();
  const restingSide: Side = takerSide === 'buy' ? 'sell' : 'buy';
  for (const o of orders ?? []) {
    if (o.side !== restingSide) continue;
    const k = normalize(o.price);
    const left = o.remainingQty ?? sub(o.quantity, o.filled);
    out.set(k, add(out.get(k) ?? '0', left));
  }
  return out;
}

/**
 * `levels` less the user's own orders (`own`, from `ownLevels`): what other traders rest at each
 * price; levels holding only the user's orders are left out. The open orders may be a moment
 * behind the book, so a level never goes below nothing.
 */
export function* withoutOwn(levels: Iterable<WalkLevel>, own: ReadonlyMap<string, Dec>): Generator<WalkLevel> {
  for (const level of levels) {
    const mine = own.size === 0 ? undefined : own.get(normalize(level.price));
    if (mine === undefined) {
      yield level;
      continue;
    }
    const others = sub(level.quantity, mine);
    if (isPositive(others)) yield { price: level.price, quantity: others };
  }
}

/**
 * Whether a level (or a resting order) at `price` is within `limit` for a taker of `side`: no
 * worse for it (no limit: every price).
 */
export function within(side: Side, price: Dec, limit: Dec | null): boolean {
  if (limit === null) return true;
  return side === 'buy' ? cmp(price, limit) <= 0 : cmp(price, limit) >= 0;
}

/**
 * A market order of `side` for `quantity` (base) against `levels`, the opposite side best first
 * (`cut`: the exchange may hold more beyond them): how much fills, for what total.
 */
export function walkForQuantity(levels: Iterable<WalkLevel>, side: Side, quantity: Dec, limit: Dec | null = null, cut = false): BookWalk {
  let left = quantity;
  let total = '0';
  let worstPrice: Dec | null = null;
  let banded = false;
  for (const level of levels) {
    if (!isPositive(left)) break;
    if (!within(side, level.price, limit)) {
      banded = true;
      break;
    }
    const take = min(left, level.quantity);
    total = add(total, mul(take, level.price));
    left = sub(left, take);
    worstPrice = level.price;
  }
  const complete = !isPositive(left);
  return { quantity: sub(quantity, left), total, complete, worstPrice, banded: banded && !complete, cut: cut && !banded && !complete };
}

/**
 * A market buy spending at most `quote` against `levels` (the asks, best first): the most base it
 * gets in whole steps and what that costs. `complete` is false when the book (within the band)
 * runs out before the quote is spent to within one step.
 */
export function walkForQuote(levels: Iterable<WalkLevel>, quote: Dec, stepSize: Dec, limit: Dec | null = null, cut = false): BookWalk {
  let left = quote;
  let quantity = '0';
  let total = '0';
  let worstPrice: Dec | null = null;
  let banded = false;
  let exhausted = true;
  const scale = decimalsOf(stepSize);
  for (const level of levels) {
    if (!within('buy', level.price, limit)) {
      banded = true;
      break;
    }
    const affordable = truncateToStep(div(left, level.price, scale), stepSize);
    const take = min(affordable, level.quantity);
    if (isPositive(take)) {
      const cost = mul(take, level.price);
      quantity = add(quantity, take);
      total = add(total, cost);
      left = sub(left, cost);
      worstPrice = level.price;
    }
    if (cmp(take, level.quantity) < 0) {
      // The money ran out inside this level: the quote is spent (to within one step).
      exhausted = false;
      break;
    }
  }
  const complete = !exhausted || !isPositive(left);
  return { quantity, total, complete, worstPrice, banded: banded && !complete, cut: cut && !banded && !complete };
}

/** Two walks that show the same (a redraw of the book that changed nothing for this order). */
export function sameWalk(a: BookWalk, b: BookWalk): boolean {
  return a.quantity === b.quantity && a.total === b.total && a.complete === b.complete && a.worstPrice === b.worstPrice && a.banded === b.banded
    && a.cut === b.cut;
}

/**
 * The order form's "Estimated total" for a walk: what it costs or brings, why the book cannot fill
 * it, or that it goes beyond what the book shown holds.
 */
export function describeWalk(walk: BookWalk, side: Side, m: MarketAssetsInfo): string {
  const total = formatAssetAmount(walk.total, m.quoteAsset, m);
  const where = walk.banded ? ' within the price band' : '';
  if (walk.complete) return `≈ ${total}`;
  if (walk.cut) return `Beyond the book shown: its ${side === 'buy' ? 'asks' : 'bids'} fill ${formatQty(walk.quantity, m.stepSize)} ${m.baseAsset} (≈ ${total}), the rest is not known`;
  if (!isPositive(walk.quantity)) return `The book cannot fill it: no ${side === 'buy' ? 'asks' : 'bids'}${where}`;
  return `The book can fill only ${formatQty(walk.quantity, m.stepSize)} ${m.baseAsset}${where} (≈ ${total})`;
}
