'use client';
import { useAccount } from '@/hooks/useAccount';
import { useAssetPrecisions } from '@/hooks/useMarkets';
import { formatBalance } from '@/lib/assetPrecision';
import { add } from '@/lib/decimal';
import type { Market } from '@/lib/types';

/** The user's holdings of this market's two assets, each at its precision, under the order form. */
export function MarketAssets({ market }: { market: Market }) {
  const { userId, balances } = useAccount();
  const precisions = useAssetPrecisions();
  return (
    <div className="market-assets" data-testid="market-assets">
      <div className="market-assets-head">
        <span>Assets</span>
        <span className="muted">user {userId}</span>
      </div>
      {[market.baseAsset, market.quoteAsset].map((asset) => {
        const b = balances?.find((x) => x.asset === asset);
        const amount = (value: string) => formatBalance(value, asset, precisions);
        return (
          <div key={asset} className="market-asset">
            <span><span className="asset-icon small" aria-hidden>{asset.slice(0, 1)}</span>{asset}</span>
            <span className="num">
              {b ? amount(add(b.available, b.locked)) : '—'}
              {b ? <span className="muted small-line">{amount(b.locked)} in orders</span> : null}
            </span>
          </div>
        );
      })}
    </div>
  );
}
