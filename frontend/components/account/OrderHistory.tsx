'use client';
import { StateMessage } from '@/components/ui/StateMessage';
import { useAccount } from '@/hooks/useAccount';
import { formatDateTime, formatPrice, formatQty } from '@/lib/format';
import type { Market, OrderStatus } from '@/lib/types';

const STATUS_TEXT: Record<OrderStatus, string> = {
  NEW: 'Open', PARTIALLY_FILLED: 'Partially filled', FILLED: 'Filled', CANCELED: 'Canceled', EXPIRED: 'Expired', REJECTED: 'Rejected',
};

/** The user's latest orders in this market, open or closed, newest first. */
export function OrderHistory({ market }: { market: Market }) {
  const { history } = useAccount();
  if (history === null) return <StateMessage kind="loading">Loading order history…</StateMessage>;
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
            <th className="num">Amount</th>
            <th className="num hide-xs">Filled</th>
            <th className="num">Status</th>
          </tr>
        </thead>
        <tbody>
          {history.map((o) => (
            <tr key={o.orderId} data-testid="history-row" data-order-id={o.orderId} data-status={o.status}>
              <td className="muted">{formatDateTime(o.time)}</td>
              <td className={o.side === 'buy' ? 'up' : 'down'}>{o.side === 'buy' ? 'Buy' : 'Sell'}</td>
              <td className="hide-xs">
                {o.type === 'limit' ? 'Limit' : 'Market'}
                <span className="muted"> {o.postOnly ? 'Post-only' : o.timeInForce}</span>
              </td>
              <td className="num">{o.price ? formatPrice(o.price, market.tickSize) : 'Market'}</td>
              <td className="num">{formatQty(o.quantity, market.stepSize)}</td>
              <td className="num hide-xs">{formatQty(o.executedQty, market.stepSize)}</td>
              <td className={`num status status-${o.status.toLowerCase()}`}>{STATUS_TEXT[o.status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
