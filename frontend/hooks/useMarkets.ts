'use client';
import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '@/lib/api';
import { assetPrecisions } from '@/lib/assetPrecision';
import { findMarket } from '@/lib/market';
import type { Market } from '@/lib/types';

export interface MarketsState {
  markets: Market[] | null;
  error: string | null;
}

let cached: Market[] | null = null;
let inFlight: Promise<Market[]> | null = null;

function loadMarkets(): Promise<Market[]> {
  inFlight ??= api.markets().then(
    (m) => (cached = m),
    (e: unknown) => {
      inFlight = null;
      throw e;
    },
  );
  return inFlight;
}

/** The exchange's markets (loaded once per page, retried until it succeeds). */
export function useMarkets(): MarketsState {
  const [state, setState] = useState<MarketsState>({ markets: cached, error: null });
  useEffect(() => {
    if (cached) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = () => {
      loadMarkets().then(
        (markets) => alive && setState({ markets, error: null }),
        (e: unknown) => {
          if (!alive) return;
          setState({ markets: null, error: errorText(e) });
          timer = setTimeout(attempt, 2000);
        },
      );
    };
    attempt();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);
  return state;
}

export function useMarket(symbol: string): { market: Market | null; error: string | null; loading: boolean } {
  const { markets, error } = useMarkets();
  return { market: markets ? findMarket(markets, symbol) : null, error, loading: markets === null };
}

/** Asset -> decimals from every market (empty until they load, or from an exchange that does not say). */
export function useAssetPrecisions(): ReadonlyMap<string, number> {
  const { markets } = useMarkets();
  return useMemo(() => assetPrecisions(markets ?? []), [markets]);
}
