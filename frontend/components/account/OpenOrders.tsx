'use client';
import { useMemo, useState } from 'react';
import { StateMessage } from '@/components/ui/StateMessage';
import { useToast } from '@/components/ui/Toasts';
import { useAccount } from '@/hooks/useAccount';
import { api, errorText } from '@/lib/api';
import { isPositive, sub } from '@/lib/decimal';
import { formatDateTime, formatPrice, formatQty } from '@/lib/format';
import { cancelErrorNotice, outcomeUnknown } from '@/lib/orderNotices';
import type { Market, OpenOrder } from '@/lib/types';
import { AccountLoading } from './AccountLoading';

/** The user's resting orders in this market, each with Cancel, and Cancel all. */
export function OpenOrders({ market }: { market: Market }) {
  const { userId, openOrders, history, refresh, closing } = useAccount();
  const notify = useToast();
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const placedAt = useMemo(() => new Map((history ?? []).map((o) => [o.orderId, o.time])), [history]);

  const run = async (key: string, ids: readonly string[], action: () => Promise<string>) => {
    setBusy((b) => new Set(b).add(key));
    // Orders cancelled from here leave the open orders as asked: no "closed by the exchange" news.
    closing(ids);
    try {
      notify('success', await action());
    } catch (e) {
      // Refused: the orders stay open, and any later closure is news. Outcome unknown (no
      // answer, or a 503): the cancel may have gone through, so a closure is still this page's
      // own, and the reload below shows what is still open.
      if (!outcomeUnknown(e)) closing(ids, false);
      const n = cancelErrorNotice(e, errorText(e), key === '*');
      notify(n.kind, n.title, n.detail);
    } finally {
      setBusy((b) => { const n = new Set(b); n.delete(key); return n; });
      void refresh();
    }
  };
  const cancel = (o: OpenOrder) => run(o.orderId, [o.orderId], async () => {
    const r = await api.cancelOrder(o.orderId, market.symbol);
    return `Order canceled (${formatQty(r.remainingQty, market.stepSize)} ${market.baseAsset} unfilled)`;
  });
  const cancelAll = () => run('*', (openOrders ?? []).map((o) => o.orderId), async () => {
    await api.cancelAll(userId, market.symbol);
    return 'All orders canceled';
  });

  if (openOrders === null) return <AccountLoading what="orders" />;
  if (openOrders.length === 0) return <StateMessage kind="empty">No open orders</StateMessage>;
  return (
    <div className="table-scroll">
      <table className="table" data-testid="open-orders">
        <thead>
          <tr>
            <th className="hide-xs">Time</th>
            <th>Side</th>
            <th className="num">Price</th>
            <th className="num">Amount</th>
            <th className="num hide-xs">Filled</th>
            <th className="num hide-sm">Remaining</th>
            <th className="num">
              <button type="button" className="link-btn" data-testid="cancel-all" disabled={busy.has('*')} onClick={() => void cancelAll()}>Cancel all</button>
            </th>
          </tr>
        </thead>
        <tbody>
          {openOrders.map((o) => {
            const time = o.time ?? placedAt.get(o.orderId);
            const remaining = o.remainingQty ?? sub(o.quantity, o.filled);
            return (
              <tr key={o.orderId} data-testid="open-order" data-order-id={o.orderId} data-price={o.price} data-side={o.side}
                data-filled={o.filled} data-remaining={remaining}>
                <td className="hide-xs muted">{time ? formatDateTime(time) : '—'}</td>
                <td className={o.side === 'buy' ? 'up' : 'down'}>{o.side === 'buy' ? 'Buy' : 'Sell'}</td>
                <td className="num">{formatPrice(o.price, market.tickSize)}</td>
                <td className="num">
                  {formatQty(o.quantity, market.stepSize)}
                  {/* Phones have no Filled and Remaining columns: what is filled, under the amount. */}
                  <span className="xs-only muted small-line" data-testid="open-order-filled-xs">
                    {formatQty(o.filled, market.stepSize)} filled{isPositive(o.filled) ? ` · ${formatQty(remaining, market.stepSize)} left` : ''}
                  </span>
                </td>
                <td className="num hide-xs" data-testid="open-order-filled">{formatQty(o.filled, market.stepSize)}</td>
                <td className="num hide-sm" data-testid="open-order-remaining">{formatQty(remaining, market.stepSize)}</td>
                <td className="num">
                  <button type="button" className="link-btn" data-testid="cancel-order" disabled={busy.has(o.orderId)} onClick={() => void cancel(o)}>
                    {busy.has(o.orderId) ? '…' : 'Cancel'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
