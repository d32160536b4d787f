'use client';
import { memo, useRef } from 'react';
import { Panel } from '@/components/ui/Panel';
import { StateMessage } from '@/components/ui/StateMessage';
import { useReadyMark } from '@/hooks/useReadyMark';
import { useTrades } from '@/hooks/useTrades';
import { formatPrice, formatQty, formatTime } from '@/lib/format';
import type { Market, PublicTrade } from '@/lib/types';

/** The market's latest public trades, newest on top, coloured by the taker's side. */
export function RecentTrades({ market, onPick }: { market: Market; onPick: (price: string) => void }) {
  const { trades, loading, error } = useTrades(market.symbol);
  useReadyMark('trades-ready', trades.length > 0 || !loading);
  // The newest trade of the first list shown is timed: the browser reports when it was painted.
  // Its row keeps the attribute (removing it before the paint would lose the report).
  const timedId = useRef<string | null>(null);
  if (timedId.current === null && trades[0]) timedId.current = trades[0].id;
  return (
    <Panel title="Recent trades" className="area-trades trades-panel" testId="trades">
      <div className="trades-head">
        <span>Price ({market.quoteAsset})</span>
        <span className="num">Amount ({market.baseAsset})</span>
        <span className="num">Time</span>
      </div>
      <div className="trades-list">
        {trades.length === 0 ? (
          loading ? <StateMessage kind="loading">Loading trades…</StateMessage>
            : error ? <StateMessage kind="error">{error}</StateMessage>
              : <StateMessage kind="empty">No trades yet</StateMessage>
        ) : trades.map((t) => (
          // Keyed by trade: a new trade adds one row, and rows already shown are not rendered again.
          <TradeRow key={t.id} trade={t} market={market} onPick={onPick} timed={t.id === timedId.current} />
        ))}
      </div>
    </Panel>
  );
}

const TradeRow = memo(function TradeRow({ trade: t, market, onPick, timed }: {
  trade: PublicTrade; market: Market; onPick: (price: string) => void; timed: boolean;
}) {
  return (
    <div className={`trade-row ${t.isBuyerMaker ? 'down' : 'up'}`} data-testid="trade-row"
      data-price={t.price} data-qty={t.quantity} onClick={() => onPick(t.price)}>
      <span className="trade-price" elementtiming={timed ? 'trades' : undefined}>{formatPrice(t.price, market.tickSize)}</span>
      <span className="num">{formatQty(t.quantity, market.stepSize)}</span>
      <span className="num muted">{formatTime(t.time)}</span>
    </div>
  );
});
