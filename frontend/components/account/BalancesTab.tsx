'use client';
import { StateMessage } from '@/components/ui/StateMessage';
import { useAccount } from '@/hooks/useAccount';
import { useAssetPrecisions } from '@/hooks/useMarkets';
import { formatBalance } from '@/lib/assetPrecision';
import { add } from '@/lib/decimal';
import type { Market } from '@/lib/types';
import { DepositForm } from './DepositForm';
import { AccountLoading } from './AccountLoading';

/** Every asset the user holds (this market's first), each at its precision, and the deposit form. */
export function BalancesTab({ market }: { market: Market }) {
  const { balances } = useAccount();
  const precisions = useAssetPrecisions();
  const rank = (asset: string) => (asset === market.baseAsset ? 0 : asset === market.quoteAsset ? 1 : 2);
  const sorted = balances ? [...balances].sort((a, b) => rank(a.asset) - rank(b.asset) || a.asset.localeCompare(b.asset)) : null;
  return (
    <div className="balances">
      <div className="table-scroll balances-table">
        {sorted === null ? <AccountLoading what="balances" />
          : sorted.length === 0 ? <StateMessage kind="empty">No funds yet: make a deposit</StateMessage>
            : (
              <table className="table" data-testid="balances">
                <thead>
                  <tr><th>Asset</th><th className="num">Available</th><th className="num">In orders</th><th className="num hide-xs">Total</th></tr>
                </thead>
                <tbody>
                  {sorted.map((b) => {
                    const amount = (value: string) => formatBalance(value, b.asset, precisions);
                    return (
                      <tr key={b.asset} data-testid={`balance-${b.asset}`} data-available={b.available} data-locked={b.locked}>
                        <td><span className="asset-icon small" aria-hidden>{b.asset.slice(0, 1)}</span>{b.asset}</td>
                        <td className="num">{amount(b.available)}</td>
                        <td className="num">{amount(b.locked)}</td>
                        <td className="num hide-xs">{amount(add(b.available, b.locked))}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
      </div>
      <DepositForm market={market} />
    </div>
  );
}
