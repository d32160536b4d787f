'use client';
import { useCallback, useSyncExternalStore } from 'react';
import { isZero } from '@/lib/decimal';
import { TickerStore } from '@/lib/tickerStore';
import type { Ticker } from '@/lib/types';
import { getSocket } from '@/lib/ws';

let store: TickerStore | null = null;
const tickerStore = () => (store ??= new TickerStore(getSocket));

/** The market's live 24h ticker (null until loaded, and while the market has never traded). */
export function useTicker(symbol: string): Ticker | null {
  const subscribe = useCallback((onChange: () => void) => tickerStore().subscribe(symbol, onChange), [symbol]);
  const ticker = useSyncExternalStore(subscribe, () => tickerStore().get(symbol), () => null);
  return ticker && !isZero(ticker.lastPrice) ? ticker : null;
}
