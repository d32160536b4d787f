'use client';
import { Panel } from '@/components/ui/Panel';
import { StateMessage } from '@/components/ui/StateMessage';
import { useTrades } from '@/hooks/useTrades';
import { formatPrice, formatQty, formatTime } from '@/lib/format';
import type { Market } from '@/lib/types';

/** The market's latest public trades, newest on top, coloured by the taker's side. */
export function RecentTrades({ market, onPick }: { market: Market; onPick: (price: string) => void }) {
  const { trades, loading, error } = useTrades(market.symbol);
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
          <div key={t.id} className={`trade-row ${t.isBuyerMaker ? 'down' : 'up'}`} data-testid="trade-row"
            data-price={t.price} data-qty={t.quantity} onClick={() => onPick(t.price)}>
            <span className="trade-price">{formatPrice(t.price, market.tickSize)}</span>
            <span className="num">{formatQty(t.quantity, market.stepSize)}</span>
            <span className="num muted">{formatTime(t.time)}</span>
          </div>
        ))}
      </div>
    </Panel>
  );
}
