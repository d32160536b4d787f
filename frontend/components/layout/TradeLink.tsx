'use client';
import { useEffect, useState } from 'react';
import { useMarkets } from '@/hooks/useMarkets';
import { tradePath } from '@/lib/market';

const LAST_MARKET_KEY = 'exchange.lastMarket';

export function rememberMarket(symbol: string): void {
  window.localStorage.setItem(LAST_MARKET_KEY, symbol);
}

/** "Trade" navigation: the market last traded, else the first one the exchange lists. */
export function TradeLink() {
  const { markets } = useMarkets();
  const [last, setLast] = useState<string | null>(null);
  useEffect(() => setLast(window.localStorage.getItem(LAST_MARKET_KEY)), []);
  const symbol = last ?? markets?.[0]?.symbol ?? null;
  return <a href={symbol ? tradePath(symbol) : '/'}>Trade</a>;
}
