'use client';
import type { ReactNode } from 'react';
import { FlashValue } from '@/components/ui/FlashValue';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';
import { useTicker } from '@/hooks/useTickers';
import { formatPercent, formatPrice, formatQty, formatSigned, trendOf } from '@/lib/format';
import { decimalsOf } from '@/lib/decimal';
import type { Market } from '@/lib/types';
import { MarketSwitcher } from './MarketSwitcher';

/** The ticker bar: market, last price, 24h change, high, low and volume. */
export function MarketHeader({ market }: { market: Market }) {
  const t = useTicker(market.symbol);
  // Prices as everywhere on the trade page (book, trades, orders): ungrouped, at the tick's precision.
  const price = (v: string) => formatPrice(v, market.tickSize);
  const name = `${market.baseAsset}/${market.quoteAsset}`;
  useDocumentTitle(t ? `${formatPrice(t.lastPrice, market.tickSize)} · ${name} · Exchange` : `${name} · Exchange`);
  const trend = t ? trendOf(t.priceChange) : 'flat';
  return (
    <div className="ticker-bar area-ticker" data-testid="ticker-bar">
      <MarketSwitcher market={market} />
      <div className={`ticker-last ${trend}`}>
        {t ? <FlashValue value={t.lastPrice} text={price(t.lastPrice)} testId="ticker-last" /> : <span className="muted">—</span>}
      </div>
      <Stat label="24h change" className={trend} testId="ticker-change">
        {t ? `${formatSigned(t.priceChange, decimalsOf(market.tickSize))} ${formatPercent(t.priceChangePercent)}` : '—'}
      </Stat>
      <Stat label="24h high">{t ? price(t.high) : '—'}</Stat>
      <Stat label="24h low">{t ? price(t.low) : '—'}</Stat>
      <Stat label={`24h volume (${market.baseAsset})`} testId="ticker-volume">{t ? formatQty(t.volume, market.stepSize, true) : '—'}</Stat>
    </div>
  );
}

function Stat({ label, children, className, testId }: { label: string; children: ReactNode; className?: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${className ?? ''}`} data-testid={testId}>{children}</div>
    </div>
  );
}
