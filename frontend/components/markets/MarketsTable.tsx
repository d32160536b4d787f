'use client';
import { FlashValue } from '@/components/ui/FlashValue';
import { useTicker } from '@/hooks/useTickers';
import { formatPercent, formatPrice, formatQty, trendOf } from '@/lib/format';
import { tradePath } from '@/lib/market';
import type { Market } from '@/lib/types';

export function MarketsTable({ markets }: { markets: readonly Market[] }) {
  return (
    <table className="table markets-table">
      <thead>
        <tr>
          <th>Market</th>
          <th className="num">Last price</th>
          <th className="num">24h change</th>
          <th className="num hide-sm">24h high</th>
          <th className="num hide-sm">24h low</th>
          <th className="num hide-xs">24h volume</th>
          <th className="hide-xs"><span className="sr-only">Trade</span></th>
        </tr>
      </thead>
      <tbody>
        {markets.map((m) => <MarketRow key={m.symbol} market={m} />)}
      </tbody>
    </table>
  );
}

function MarketRow({ market: m }: { market: Market }) {
  const t = useTicker(m.symbol);
  const href = tradePath(m.symbol);
  const dash = <span className="muted">—</span>;
  return (
    <tr className="row-link" data-testid={`market-${m.symbol}`} onClick={() => window.location.assign(href)}>
      <td>
        <a href={href} className="market-name">
          <span className="asset-icon" aria-hidden>{m.baseAsset.slice(0, 1)}</span>
          <span>
            <strong>{m.baseAsset}</strong><span className="muted">/{m.quoteAsset}</span>
            {/* The volume column does not fit a phone: there it is shown under the name. */}
            {t ? <span className="xs-only market-volume muted" data-testid="market-volume-xs">Vol {formatQty(t.volume, m.stepSize, true)}</span> : null}
          </span>
        </a>
      </td>
      <td className="num">
        {t ? <FlashValue value={t.lastPrice} text={formatPrice(t.lastPrice, m.tickSize, true)} testId="market-last" /> : dash}
      </td>
      <td className="num">{t ? <span className={`pill ${trendOf(t.priceChangePercent)}`}>{formatPercent(t.priceChangePercent)}</span> : dash}</td>
      <td className="num hide-sm">{t ? formatPrice(t.high, m.tickSize, true) : dash}</td>
      <td className="num hide-sm">{t ? formatPrice(t.low, m.tickSize, true) : dash}</td>
      <td className="num hide-xs">{t ? <>{formatQty(t.volume, m.stepSize, true)} <span className="muted">{m.baseAsset}</span></> : dash}</td>
      <td className="hide-xs num"><a href={href} className="btn btn-small">Trade</a></td>
    </tr>
  );
}
