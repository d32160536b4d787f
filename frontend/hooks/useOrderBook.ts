'use client';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { BOOK_SNAPSHOT_LIMIT, BookSync, type SyncState } from '@/lib/bookSync';
import type { LocalOrderBook } from '@/lib/orderbook';
import { getSocket } from '@/lib/ws';
import { useFrameVersion } from './useFrameVersion';

/** Redraw at most this often (the book itself takes every event). */
const REDRAW_MS = 100;

export interface OrderBookState {
  book: LocalOrderBook | null;
  state: SyncState;
  /** Changes (at most once per frame) whenever the book does. */
  version: number;
}

/** The market's order book, kept exactly from a snapshot plus `depth@` diffs (lib/bookSync.ts). */
export function useOrderBook(market: string): OrderBookState {
  const [version, bump] = useFrameVersion(REDRAW_MS);
  const [state, setState] = useState<SyncState>('idle');
  const sync = useRef<BookSync | null>(null);

  useEffect(() => {
    const s = new BookSync({
      fetchSnapshot: () => api.depth(market, BOOK_SNAPSHOT_LIMIT),
      onChange: bump,
      onState: setState,
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
    };
  }, [market, bump]);

  return { book: sync.current?.book ?? null, state, version };
}
