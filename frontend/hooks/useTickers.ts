'use client';
import { useCallback, useSyncExternalStore } from 'react';
import { isZero } from '@/lib/decimal';
import { TickerStore } from '@/lib/tickerStore';
import type { Ticker } from '@/lib/types';
import { getSocket } from '@/lib/ws';

let store: TickerStore | null = null;
const tickerStore = () => (store ??= new TickerStore(getSocket));

/**
 * The market's live 24h ticker (null until loaded, and while the market has never traded).
 * `optional`: an extra of the page that gives way to its essential streams (lib/ws.ts).
 */
export function useTicker(symbol: string, { optional = false }: { optional?: boolean } = {}): Ticker | null {
  const subscribe = useCallback((onChange: () => void) => tickerStore().subscribe(symbol, onChange, optional), [symbol, optional]);
  const ticker = useSyncExternalStore(subscribe, () => tickerStore().get(symbol), () => null);
  return ticker && !isZero(ticker.lastPrice) ? ticker : null;
}
