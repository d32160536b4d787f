'use client';
import { StateMessage } from '@/components/ui/StateMessage';
import { useAccount } from '@/hooks/useAccount';
import { formatTradeValue } from '@/lib/assetPrecision';
import { formatDateTime, formatPrice, formatQty } from '@/lib/format';
import type { Market } from '@/lib/types';
import { LoadOlder } from './LoadOlder';
import { AccountLoading } from './AccountLoading';

/**
 * The user's recent fills in this market (from storage) and those since, as they happen, and older
 * ones below on request (Load older).
 */
export function FillsTable({ market }: { market: Market }) {
  const { fills, fillsLoaded, olderFills, sideOf } = useAccount();
  if (fills.length === 0) {
    return fillsLoaded
      ? <StateMessage kind="empty">No fills in this market yet</StateMessage>
      : <AccountLoading what="fills" />;
  }
  return (
    <div className="table-scroll">
      <table className="table" data-testid="fills">
        <thead>
          <tr>
            <th>Time</th>
            <th>Side</th>
            <th className="num">Price</th>
            <th className="num">Amount</th>
            <th className="num hide-xs">Total ({market.quoteAsset})</th>
            <th className="num hide-sm">Trade</th>
          </tr>
        </thead>
        <tbody>
          {fills.map((f) => {
            const side = f.side ?? sideOf(f.orderId);
            return (
              <tr key={`${f.tradeId}:${f.orderId}`} data-testid="fill-row" data-trade-id={f.tradeId} data-order-id={f.orderId}
                data-side={side ?? ''} data-price={f.price} data-qty={f.quantity} data-source={f.stored ? 'stored' : 'live'}>
                <td className="muted">{formatDateTime(f.time)}</td>
                <td className={side === 'buy' ? 'up' : side === 'sell' ? 'down' : ''}>{side === 'buy' ? 'Buy' : side === 'sell' ? 'Sell' : '—'}</td>
                <td className="num">{formatPrice(f.price, market.tickSize)}</td>
                <td className="num">{formatQty(f.quantity, market.stepSize)}</td>
                <td className="num hide-xs">{formatTradeValue(f.price, f.quantity, market)}</td>
                <td className="num hide-sm muted">#{f.tradeId}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <LoadOlder older={olderFills} what="fills" />
    </div>
  );
}
