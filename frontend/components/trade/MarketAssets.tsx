'use client';
import { useAccount } from '@/hooks/useAccount';
import { add } from '@/lib/decimal';
import { formatAmount } from '@/lib/format';
import type { Market } from '@/lib/types';

/** The user's holdings of this market's two assets, under the order form. */
export function MarketAssets({ market }: { market: Market }) {
  const { userId, balances } = useAccount();
  return (
    <div className="market-assets" data-testid="market-assets">
      <div className="market-assets-head">
        <span>Assets</span>
        <span className="muted">user {userId}</span>
      </div>
      {[market.baseAsset, market.quoteAsset].map((asset) => {
        const b = balances?.find((x) => x.asset === asset);
        return (
          <div key={asset} className="market-asset">
            <span><span className="asset-icon small" aria-hidden>{asset.slice(0, 1)}</span>{asset}</span>
            <span className="num">
              {b ? formatAmount(add(b.available, b.locked)) : '—'}
              {b ? <span className="muted small-line">{formatAmount(b.locked)} in orders</span> : null}
            </span>
          </div>
        );
      })}
    </div>
  );
}
