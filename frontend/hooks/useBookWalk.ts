'use client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { bandLimit, marketReach, sameWalk, walkForQuantity, walkForQuote, withoutOwn, type BookWalk } from '@/lib/bookWalk';
import { isPositive } from '@/lib/decimal';
import type { LocalOrderBook } from '@/lib/orderbook';
import { checkDecimalText, isPlainDecimal } from '@/lib/orderForm';
import type { Dec, Market, Side } from '@/lib/types';
import { useBookStore } from './useOrderBook';

const NONE: ReadonlyMap<string, Dec> = new Map();

/**
 * A market order of `side` for `quantity` against `book`: the walk of the opposite side without
 * the user's own orders `own`, within the band (`limit`, measured as the exchange does).
 */
function walkBook(book: LocalOrderBook, market: Market, side: Side, quantity: Dec, lastPrice: string | null,
  own: ReadonlyMap<string, Dec>): { walk: BookWalk; limit: Dec | null } {
  const opposite = side === 'buy' ? 'asks' : 'bids';
  const limit = bandLimit(side, lastPrice, market.priceBand, market.tickSize, book.best(opposite));
  const cut = book.cutAt(opposite) !== null;
  return { walk: walkForQuantity(withoutOwn(book.levelsBestFirst(opposite), own), side, quantity, limit, cut), limit };
}

/**
 * What a market order of `side` for `quantity` would get from the book shown (lib/bookWalk.ts),
 * recomputed when the book is redrawn; the component re-renders only when the answer changes.
 * The band is measured as the exchange does (from the last price, or from the best opposite price
 * of the whole book before the market's first trade); the user's own orders on the opposite side
 * (`own`, lib/bookWalk.ts `ownLevels`) are left out of the walk, since self-trade prevention
 * cancels them rather than trading with them. Null while the book is loading or the amount is not
 * a valid one.
 */
export function useMarketWalk(market: Market, side: Side, quantity: string, lastPrice: string | null,
  own: ReadonlyMap<string, Dec> = NONE): BookWalk | null {
  const store = useBookStore();
  const cache = useRef<BookWalk | null>(null);
  const compute = useCallback((): BookWalk | null => {
    const book = store.book();
    const q = quantity.trim();
    let next: BookWalk | null = null;
    if (book?.isLoaded && isPlainDecimal(q) && checkDecimalText(q, 'Amount', market.stepSize) === null && isPositive(q)) {
      next = walkBook(book, market, side, q, lastPrice, own).walk;
    }
    const prev = cache.current;
    if (prev && next && sameWalk(prev, next)) return prev;
    cache.current = next;
    return next;
  }, [store, market, side, quantity, lastPrice, own]);
  return useSyncExternalStore(store.subscribe, compute, () => null);
}

/**
 * The order book as it is now, for a one-off computation (a percentage of the balance spent by a
 * market buy): the quantity the asks give for `quote`, in whole steps, within the band (measured as
 * in `useMarketWalk`) and without the user's own asks (`own`), or null without a book.
 */
export function useQuoteWalk(market: Market): (quote: string, lastPrice: string | null, own?: ReadonlyMap<string, Dec>) => BookWalk | null {
  const store = useBookStore();
  return useCallback((quote, lastPrice, own = NONE) => {
    const book = store.book();
    if (!book?.isLoaded) return null;
    const limit = bandLimit('buy', lastPrice, market.priceBand, market.tickSize, book.best('asks'));
    return walkForQuote(withoutOwn(book.levelsBestFirst('asks'), own), quote, market.stepSize, limit, book.cutAt('asks') !== null);
  }, [store, market]);
}

/**
 * The order book as it is now, for a market order about to be sent: how far it reaches for
 * `quantity`, `reach` where the walk as in `useMarketWalk` stops, or the band's limit
 * (lib/bookWalk.ts `marketReach`), and `limit`, the band's limit, as far as it may go if the book
 * moves before it arrives; null (any price) without a book.
 */
export function useMarketReach(market: Market): (side: Side, quantity: Dec, lastPrice: string | null, own?: ReadonlyMap<string, Dec>) => { reach: Dec | null; limit: Dec | null } {
  const store = useBookStore();
  return useCallback((side, quantity, lastPrice, own = NONE) => {
    const book = store.book();
    if (!book?.isLoaded) return { reach: null, limit: null };
    const { walk, limit } = walkBook(book, market, side, quantity, lastPrice, own);
    return { reach: marketReach(walk, limit), limit };
  }, [store, market]);
}
