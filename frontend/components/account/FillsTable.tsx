'use client';
import { StateMessage } from '@/components/ui/StateMessage';
import { useAccount } from '@/hooks/useAccount';
import { decimalsOf, mul } from '@/lib/decimal';
import { formatAmount, formatPrice, formatQty, formatTime } from '@/lib/format';
import type { Market } from '@/lib/types';

/** The user's fills in this market as they happen (since the page opened). */
export function FillsTable({ market }: { market: Market }) {
  const { fills, sideOf } = useAccount();
  if (fills.length === 0) return <StateMessage kind="empty">No fills since you opened this page</StateMessage>;
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
            const side = sideOf(f.orderId);
            return (
              <tr key={`${f.tradeId}:${f.orderId}`} data-testid="fill-row" data-price={f.price} data-qty={f.quantity}>
                <td className="muted">{formatTime(f.receivedAt)}</td>
                <td className={side === 'buy' ? 'up' : side === 'sell' ? 'down' : ''}>{side === 'buy' ? 'Buy' : side === 'sell' ? 'Sell' : '—'}</td>
                <td className="num">{formatPrice(f.price, market.tickSize)}</td>
                <td className="num">{formatQty(f.quantity, market.stepSize)}</td>
                <td className="num hide-xs">{formatAmount(mul(f.price, f.quantity), decimalsOf(market.tickSize))}</td>
                <td className="num hide-sm muted">#{f.tradeId}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
