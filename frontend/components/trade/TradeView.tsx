'use client';
import { useCallback, useEffect, useState } from 'react';
import { rememberMarket } from '@/components/layout/TradeLink';
import { MarketsTable } from '@/components/markets/MarketsTable';
import { StateMessage } from '@/components/ui/StateMessage';
import { AccountProvider } from '@/hooks/useAccount';
import { OrderBookProvider } from '@/hooks/useOrderBook';
import { useMarket, useMarkets } from '@/hooks/useMarkets';
import { useUser } from '@/hooks/useUser';
import { marketFromPath, tradePath } from '@/lib/market';
import type { Market } from '@/lib/types';
import { AccountPanel } from '@/components/account/AccountPanel';
import { MarketHeader } from './MarketHeader';
import { OfflineMark } from './OfflineMark';
import { OrderBook } from './OrderBook';
import { OrderForm, type PickedPrice } from './OrderForm';
import { PriceChart } from './PriceChart';
import { RecentTrades } from './RecentTrades';

/**
 * The trade page of `/trade/<market>`. The market is read from the URL in the browser, so one
 * exported placeholder page (`trade/_.html`) serves every market.
 */
export function TradeView({ initialMarket }: { initialMarket: string | null }) {
  const [symbol, setSymbol] = useState<string | null>(initialMarket);
  const [resolved, setResolved] = useState(false);
  useEffect(() => {
    setSymbol(marketFromPath(window.location.pathname) ?? initialMarket);
    setResolved(true);
  }, [initialMarket]);
  if (!symbol) return resolved ? <UnknownMarket symbol={null} /> : <StateMessage kind="loading">Loading…</StateMessage>;
  return <TradeMarket symbol={symbol} />;
}

function TradeMarket({ symbol }: { symbol: string }) {
  const { market, error, loading } = useMarket(symbol);
  if (market) return <TradeScreen market={market} />;
  if (loading) {
    return <div className="page-state">{error ? <StateMessage kind="error">{error} — retrying…</StateMessage> : <StateMessage kind="loading">Loading {symbol}…</StateMessage>}</div>;
  }
  return <UnknownMarket symbol={symbol} />;
}

function UnknownMarket({ symbol }: { symbol: string | null }) {
  const { markets } = useMarkets();
  return (
    <div className="page-state">
      <StateMessage kind="empty">{symbol ? `There is no market ${symbol}.` : 'Choose a market.'}</StateMessage>
      {markets ? <div className="panel markets-panel"><MarketsTable markets={markets} /></div> : null}
    </div>
  );
}

function TradeScreen({ market }: { market: Market }) {
  const { userId } = useUser();
  const [picked, setPicked] = useState<PickedPrice | null>(null);
  useEffect(() => rememberMarket(market.symbol), [market.symbol]);
  // A URL that named it in another case (/trade/tata_inr) shows the market's own spelling.
  useEffect(() => {
    const named = marketFromPath(window.location.pathname);
    if (named !== null && named !== market.symbol) {
      window.history.replaceState(window.history.state, '', tradePath(market.symbol) + window.location.search + window.location.hash);
    }
  }, [market.symbol]);
  const pick = useCallback((price: string) => setPicked({ price, at: Date.now() }), []);
  return (
    <AccountProvider userId={userId} market={market}>
      <OrderBookProvider market={market.symbol}>
        <OfflineMark />
        <div className="trade-grid" data-testid="trade-view" data-market={market.symbol}>
          <MarketHeader market={market} />
          <PriceChart market={market} />
          <OrderBook market={market} onPick={pick} />
          <RecentTrades market={market} onPick={pick} />
          {/* Keyed by user: an order in flight answers into the form of the user who sent it. */}
          <OrderForm key={userId} market={market} picked={picked} />
          <AccountPanel market={market} />
        </div>
      </OrderBookProvider>
    </AccountProvider>
  );
}
