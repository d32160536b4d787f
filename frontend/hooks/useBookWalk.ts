'use client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { bandLimit, sameWalk, walkForQuantity, walkForQuote, withoutOwn, type BookWalk } from '@/lib/bookWalk';
import { isPositive } from '@/lib/decimal';
import type { LocalOrderBook } from '@/lib/orderbook';
import { checkDecimalText, isPlainDecimal } from '@/lib/orderForm';
import type { Dec, Market, Side } from '@/lib/types';
import { useBookStore } from './useOrderBook';

const NONE: ReadonlyMap<string, Dec> = new Map();

/**
 * The worst price a market order of `side` may trade at on `book` (its band, measured as the
 * exchange does: from the last price, or the best opposite price before the first trade).
 */
function bandOf(book: LocalOrderBook, market: Market, side: Side, lastPrice: string | null): Dec | null {
  return bandLimit(side, lastPrice, market.priceBand, market.tickSize, book.best(side === 'buy' ? 'asks' : 'bids'));
}

/**
 * A market order of `side` for `quantity` against `book`: the walk of the opposite side without
 * the user's own orders `own`, within the band (`bandOf`).
 */
function walkBook(book: LocalOrderBook, market: Market, side: Side, quantity: Dec, lastPrice: string | null,
  own: ReadonlyMap<string, Dec>): BookWalk {
  const opposite = side === 'buy' ? 'asks' : 'bids';
  const cut = book.cutAt(opposite) !== null;
  return walkForQuantity(withoutOwn(book.levelsBestFirst(opposite), own), side, quantity, bandOf(book, market, side, lastPrice), cut);
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
      next = walkBook(book, market, side, q, lastPrice, own);
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
    return walkForQuote(withoutOwn(book.levelsBestFirst('asks'), own), quote, market.stepSize, bandOf(book, market, 'buy', lastPrice),
      book.cutAt('asks') !== null);
  }, [store, market]);
}

/**
 * The order book as it is now, for a market order about to be sent: the worst price it may trade
 * at however the book moves before it arrives, its band (`bandOf`); null (any price) without a book.
 */
export function useMarketLimit(market: Market): (side: Side, lastPrice: string | null) => Dec | null {
  const store = useBookStore();
  return useCallback((side, lastPrice) => {
    const book = store.book();
    return book?.isLoaded ? bandOf(book, market, side, lastPrice) : null;
  }, [store, market]);
}
