'use client';
import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '@/lib/api';
import { KEEP_TRADES, mergeTrades } from '@/lib/trades';
import type { PublicTrade } from '@/lib/types';
import { getSocket } from '@/lib/ws';
import { useFrameVersion } from './useFrameVersion';

/** Redraw at most this often (the list itself takes every event). */
const REDRAW_MS = 100;

export interface TradesState {
  /** Newest first. */
  trades: readonly PublicTrade[];
  loading: boolean;
  error: string | null;
  /** Changes whenever the list does. */
  version: number;
}

/** Recent public trades: `/trades` whenever the `trade@` stream (re)starts, then live events. */
export function useTrades(market: string): TradesState {
  const [version, bump] = useFrameVersion(REDRAW_MS);
  const list = useRef<PublicTrade[]>([]);
  const [status, setStatus] = useState<{ loading: boolean; error: string | null }>({ loading: true, error: null });

  useEffect(() => {
    let alive = true;
    let pending: PublicTrade[] = [];
    list.current = [];
    setStatus({ loading: true, error: null });
    const flush = () => {
      if (pending.length === 0) return;
      list.current = mergeTrades(list.current, pending);
      pending = [];
      bump();
    };
    // REST is the truth when the stream (re)starts (after an exchange restart ids may even repeat),
    // plus whatever arrived live while it loaded.
    let liveSinceReload: PublicTrade[] | null = null;
    let generation = 0;
    const reload = () => {
      const mine = ++generation;
      liveSinceReload = [];
      return api.trades(market, KEEP_TRADES).then(
        (trades) => {
          if (!alive || mine !== generation) return;
          list.current = mergeTrades(trades, liveSinceReload ?? []);
          liveSinceReload = null;
          setStatus({ loading: false, error: null });
          bump();
        },
        (e: unknown) => {
          if (mine !== generation) return;
          liveSinceReload = null;
          if (alive) setStatus({ loading: false, error: errorText(e) });
        },
      );
    };
    const unsubscribe = getSocket().trades(market, {
      onEvent: (t) => {
        pending.push(t);
        liveSinceReload?.push(t);
        // Batch a burst of events into one merge.
        if (pending.length === 1) queueMicrotask(flush);
      },
      onActive: () => void reload(),
    });
    void reload();
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [market, bump]);

  return { trades: list.current, loading: status.loading, error: status.error, version };
}
