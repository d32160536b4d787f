'use client';
import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, errorText } from '@/lib/api';
import { BOOK_SNAPSHOT_LIMIT, BookSync, type SyncState } from '@/lib/bookSync';
import type { LocalOrderBook } from '@/lib/orderbook';
import { getSocket } from '@/lib/ws';
import { useFrameVersion } from './useFrameVersion';

/** Redraw at most this often (the book itself takes every event). */
const REDRAW_MS = 100;

export interface OrderBookState {
  book: LocalOrderBook | null;
  state: SyncState;
  /** Why the last snapshot failed while the book has none to show yet or is resyncing (it retries). */
  error: string | null;
  /** Changes (at most once per frame) whenever the book does. */
  version: number;
}

/**
 * The book for readers that need a value computed from it rather than a redraw of it (the order
 * form's market estimate): a stable object, so they re-render only when their value changes.
 */
export interface BookStore {
  book(): LocalOrderBook | null;
  /** `listener` runs after each redraw of the book (at most every REDRAW_MS). */
  subscribe(listener: () => void): () => void;
}

const BookContext = createContext<OrderBookState | null>(null);
const BookStoreContext = createContext<BookStore | null>(null);

/** The market's order book, kept exactly from a snapshot plus `depth@` diffs (lib/bookSync.ts). */
function useOrderBookSync(market: string): OrderBookState {
  const [version, bump] = useFrameVersion(REDRAW_MS);
  const [state, setState] = useState<SyncState>('idle');
  const [error, setError] = useState<string | null>(null);
  const sync = useRef<BookSync | null>(null);

  useEffect(() => {
    const s = new BookSync({
      fetchSnapshot: () => api.depth(market, BOOK_SNAPSHOT_LIMIT),
      snapshotLimit: BOOK_SNAPSHOT_LIMIT,
      onChange: bump,
      onState: setState,
      onError: (e) => setError(e === null ? null : errorText(e)),
    });
    sync.current = s;
    const unsubscribe = getSocket().depth(market, {
      onEvent: (diff) => s.handleEvent(diff),
      // The stream (re)started: events before it are lost, so start again from a snapshot.
      onActive: () => s.resync(),
    });
    // Show a snapshot right away, without waiting for the stream (it resyncs when active).
    s.resync();
    return () => {
      unsubscribe();
      s.stop();
      sync.current = null;
      setError(null);
    };
  }, [market, bump]);

  const book = sync.current?.book ?? null;
  return useMemo(() => ({ book, state, error, version }), [book, state, error, version]);
}

/**
 * One order book per trade screen, shared by the book panel (useOrderBook) and the order form
 * (useBookStore). Only the readers re-render when it changes: `children` are the same elements.
 */
export function OrderBookProvider({ market, children }: { market: string; children: ReactNode }) {
  const value = useOrderBookSync(market);
  const latest = useRef(value.book);
  latest.current = value.book;
  const listeners = useRef(new Set<() => void>());
  const store = useMemo<BookStore>(() => ({
    book: () => latest.current,
    subscribe: (listener) => {
      listeners.current.add(listener);
      return () => void listeners.current.delete(listener);
    },
  }), []);
  useEffect(() => {
    for (const l of [...listeners.current]) l();
  }, [value.book, value.version]);
  return createElement(BookStoreContext.Provider, { value: store }, createElement(BookContext.Provider, { value }, children));
}

/** The book for drawing it: re-renders at every redraw. */
export function useOrderBook(): OrderBookState {
  const ctx = useContext(BookContext);
  if (!ctx) throw new Error('useOrderBook needs an OrderBookProvider');
  return ctx;
}

/** The book for computing from it (see BookStore). */
export function useBookStore(): BookStore {
  const ctx = useContext(BookStoreContext);
  if (!ctx) throw new Error('useBookStore needs an OrderBookProvider');
  return ctx;
}
