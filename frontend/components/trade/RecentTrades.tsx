'use client';
import { memo, useRef } from 'react';
import { Panel } from '@/components/ui/Panel';
import { StateMessage } from '@/components/ui/StateMessage';
import { StreamNote } from '@/components/ui/StreamNote';
import { useStreamProblem } from '@/hooks/useConnection';
import { usePriceRows } from '@/hooks/usePriceRows';
import { useReadyMark } from '@/hooks/useReadyMark';
import { useTrades } from '@/hooks/useTrades';
import { formatPrice, formatQty, formatTime } from '@/lib/format';
import type { Market, PublicTrade } from '@/lib/types';
import { streams } from '@/lib/ws';

/** The market's latest public trades, newest on top, coloured by the taker's side. */
export function RecentTrades({ market, onPick }: { market: Market; onPick: (price: string) => void }) {
  const { trades, loading, error } = useTrades(market.symbol);
  useReadyMark('trades-ready', trades.length > 0 || !loading);
  // The newest trade of the first list shown is timed: the browser reports when it was painted.
  // Its row keeps the attribute (removing it before the paint would lose the report).
  const timedId = useRef<string | null>(null);
  if (timedId.current === null && trades[0]) timedId.current = trades[0].id;
  const { tabStop, listProps } = usePriceRows(onPick, trades.length);
  const streamProblem = useStreamProblem(streams.trades(market.symbol));
  return (
    <Panel title="Recent trades" className="area-trades trades-panel" testId="trades"
      actions={streamProblem ? <StreamNote problem={streamProblem} testId="trades-state" /> : null}>
      <div className="trades-head">
        <span>Price ({market.quoteAsset})</span>
        <span className="num">Amount ({market.baseAsset})</span>
        <span className="num">Time</span>
      </div>
      <div className="trades-list" {...listProps} aria-label="Recent trades: pick a price for the order form">
        {trades.length === 0 ? (
          loading ? <StateMessage kind="loading">Loading trades…</StateMessage>
            : error ? <StateMessage kind="error">{error}</StateMessage>
              : <StateMessage kind="empty">No trades yet</StateMessage>
        ) : trades.map((t, i) => (
          // Keyed by trade: a new trade adds one row, and rows already shown are not rendered again.
          <TradeRow key={t.id} trade={t} market={market} tabStop={i === tabStop} timed={t.id === timedId.current} />
        ))}
      </div>
    </Panel>
  );
}

const TradeRow = memo(function TradeRow({ trade: t, market, tabStop, timed }: {
  trade: PublicTrade; market: Market; tabStop: boolean; timed: boolean;
}) {
  const price = formatPrice(t.price, market.tickSize);
  const quantity = formatQty(t.quantity, market.stepSize);
  const time = formatTime(t.time);
  // Clicks and keys: the list's (usePriceRows).
  return (
    <div className={`trade-row ${t.isBuyerMaker ? 'down' : 'up'}`} data-testid="trade-row" data-price={t.price} data-qty={t.quantity}
      role="button" tabIndex={tabStop ? 0 : -1} aria-label={`Use price ${price} (traded ${quantity} ${market.baseAsset} at ${time}) in the order form`}>
      <span className="trade-price" elementtiming={timed ? 'trades' : undefined}>{price}</span>
      <span className="num">{quantity}</span>
      <span className="num muted">{time}</span>
    </div>
  );
});
