'use client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { bandLimit, sameWalk, walkForQuantity, walkForQuote, type BookWalk } from '@/lib/bookWalk';
import { isPositive } from '@/lib/decimal';
import { checkDecimalText, isPlainDecimal } from '@/lib/orderForm';
import type { Market, Side } from '@/lib/types';
import { useBookStore } from './useOrderBook';

/**
 * What a market order of `side` for `quantity` would get from the book shown (lib/bookWalk.ts),
 * recomputed when the book is redrawn; the component re-renders only when the answer changes.
 * Null while the book is loading or the amount is not a valid one.
 */
export function useMarketWalk(market: Market, side: Side, quantity: string, lastPrice: string | null): BookWalk | null {
  const store = useBookStore();
  const cache = useRef<BookWalk | null>(null);
  const compute = useCallback((): BookWalk | null => {
    const book = store.book();
    const q = quantity.trim();
    let next: BookWalk | null = null;
    if (book?.isLoaded && isPlainDecimal(q) && checkDecimalText(q, 'Amount', market.stepSize) === null && isPositive(q)) {
      const limit = bandLimit(side, lastPrice, market.priceBand, market.tickSize);
      next = walkForQuantity(book.levelsBestFirst(side === 'buy' ? 'asks' : 'bids'), side, q, limit);
    }
    const prev = cache.current;
    if (prev && next && sameWalk(prev, next)) return prev;
    cache.current = next;
    return next;
  }, [store, market, side, quantity, lastPrice]);
  return useSyncExternalStore(store.subscribe, compute, () => null);
}

/**
 * The order book as it is now, for a one-off computation (a percentage of the balance spent by a
 * market buy): the quantity the asks give for `quote`, in whole steps, or null without a book.
 */
export function useQuoteWalk(market: Market): (quote: string, lastPrice: string | null) => BookWalk | null {
  const store = useBookStore();
  return useCallback((quote, lastPrice) => {
    const book = store.book();
    if (!book?.isLoaded) return null;
    const limit = bandLimit('buy', lastPrice, market.priceBand, market.tickSize);
    return walkForQuote(book.levelsBestFirst('asks'), quote, market.stepSize, limit);
  }, [store, market]);
}
