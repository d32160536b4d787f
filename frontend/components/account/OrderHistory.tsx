'use client';
import { StateMessage } from '@/components/ui/StateMessage';
import { useAccount } from '@/hooks/useAccount';
import { averagePrice, averageTitle } from '@/lib/averagePrice';
import { formatDateTime, formatPrice, formatQty } from '@/lib/format';
import type { Market, OrderStatus } from '@/lib/types';
import { LoadOlder } from './LoadOlder';
import { AccountLoading } from './AccountLoading';

const STATUS_TEXT: Record<OrderStatus, string> = {
  NEW: 'Open', PARTIALLY_FILLED: 'Partially filled', FILLED: 'Filled', CANCELED: 'Canceled', EXPIRED: 'Expired', REJECTED: 'Rejected',
};

/**
 * The user's latest orders in this market, open or closed, newest first, and older ones below on
 * request (Load older). Orders that traded show their average price (lib/averagePrice.ts): in its
 * own column, or on phones under the price.
 */
export function OrderHistory({ market }: { market: Market }) {
  const { history, olderHistory } = useAccount();
  if (history === null) return <AccountLoading what="the order history" />;
  if (history.length === 0) return <StateMessage kind="empty">No orders yet</StateMessage>;
  return (
    <div className="table-scroll">
      <table className="table" data-testid="order-history">
        <thead>
          <tr>
            <th>Time</th>
            <th>Side</th>
            <th className="hide-xs">Type</th>
            <th className="num">Price</th>
            <th className="num hide-xs">Avg. price</th>
            <th className="num">Amount</th>
            <th className="num hide-xs">Filled</th>
            <th className="num">Status</th>
          </tr>
        </thead>
        <tbody>
          {history.map((o) => {
            const avg = averagePrice(o, market.tickSize);
            const avgText = avg === null ? null : formatPrice(avg, market.tickSize);
            const title = avg === null ? undefined : averageTitle(o, market);
            return (
              <tr key={o.orderId} data-testid="history-row" data-order-id={o.orderId} data-status={o.status} data-avg-price={avg ?? undefined}>
                <td className="muted">{formatDateTime(o.time)}</td>
                <td className={o.side === 'buy' ? 'up' : 'down'}>{o.side === 'buy' ? 'Buy' : 'Sell'}</td>
                <td className="hide-xs">
                  {o.type === 'limit' ? 'Limit' : 'Market'}
                  <span className="muted"> {o.postOnly ? 'Post-only' : o.timeInForce}</span>
                </td>
                <td className="num">
                  {o.price ? formatPrice(o.price, market.tickSize) : 'Market'}
                  {avgText === null ? null : (
                    <span className="xs-only muted small-line" data-testid="history-avg-xs" title={title}>avg {avgText}</span>
                  )}
                </td>
                <td className="num hide-xs" data-testid="history-avg" title={title}>{avgText ?? <span className="muted">—</span>}</td>
                <td className="num">{formatQty(o.quantity, market.stepSize)}</td>
                <td className="num hide-xs">{formatQty(o.executedQty, market.stepSize)}</td>
                <td className={`num status status-${o.status.toLowerCase()}`}>{STATUS_TEXT[o.status]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <LoadOlder older={olderHistory} what="orders" />
    </div>
  );
}
