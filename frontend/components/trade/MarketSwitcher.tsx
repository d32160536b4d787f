'use client';
import { useEffect, useRef, useState } from 'react';
import { useMarkets } from '@/hooks/useMarkets';
import { useTicker } from '@/hooks/useTickers';
import { formatPercent, formatPrice, trendOf } from '@/lib/format';
import { tradePath } from '@/lib/market';
import type { Market } from '@/lib/types';

/** The market's name, opening a list of the other markets. */
export function MarketSwitcher({ market }: { market: Market }) {
  const [open, setOpen] = useState(false);
  const { markets } = useMarkets();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') setOpen(false); };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  return (
    <div className="switcher" ref={root}>
      <button type="button" className="switcher-button" aria-expanded={open} data-testid="market-switcher" onClick={() => setOpen((o) => !o)}>
        <span className="asset-icon" aria-hidden>{market.baseAsset.slice(0, 1)}</span>
        <span className="switcher-name">{market.baseAsset}<span className="muted">/{market.quoteAsset}</span></span>
        <span className="caret" aria-hidden>▾</span>
      </button>
      {open && markets ? (
        <div className="switcher-menu" role="menu">
          {markets.map((m) => <SwitcherItem key={m.symbol} market={m} current={m.symbol === market.symbol} />)}
        </div>
      ) : null}
    </div>
  );
}

function SwitcherItem({ market: m, current }: { market: Market; current: boolean }) {
  const t = useTicker(m.symbol);
  return (
    <a role="menuitem" href={tradePath(m.symbol)} className={`switcher-item ${current ? 'current' : ''}`}>
      <span>{m.baseAsset}<span className="muted">/{m.quoteAsset}</span></span>
      <span className="num">{t ? formatPrice(t.lastPrice, m.tickSize, true) : '—'}</span>
      <span className={`num ${t ? trendOf(t.priceChangePercent) : ''}`}>{t ? formatPercent(t.priceChangePercent) : ''}</span>
    </a>
  );
}
