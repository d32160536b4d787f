'use client';
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useMarkets } from '@/hooks/useMarkets';
import { useTicker } from '@/hooks/useTickers';
import { formatPercent, formatPrice, trendOf } from '@/lib/format';
import { tradePath } from '@/lib/market';
import type { Market } from '@/lib/types';

/**
 * The market's name, opening a list of the other markets. The list is drawn in the page's body,
 * under the button: the ticker bar it sits in is contained (`contain: strict`), which clips
 * anything drawn inside it to the bar.
 */
export function MarketSwitcher({ market }: { market: Market }) {
  const [open, setOpen] = useState<{ top: number; left: number } | null>(null);
  const { markets } = useMarkets();
  const root = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const toggle = () => {
    const r = root.current?.getBoundingClientRect();
    setOpen(open || !r ? null : { top: r.bottom + window.scrollY, left: r.left + window.scrollX });
  };
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!root.current?.contains(target) && !menu.current?.contains(target)) setOpen(null);
    };
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') setOpen(null); };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  return (
    <div className="switcher" ref={root}>
      <button type="button" className="switcher-button" aria-expanded={open !== null} data-testid="market-switcher" onClick={toggle}>
        <span className="asset-icon" aria-hidden>{market.baseAsset.slice(0, 1)}</span>
        <span className="switcher-name">{market.baseAsset}<span className="muted">/{market.quoteAsset}</span></span>
        <span className="caret" aria-hidden>▾</span>
      </button>
      {open && markets ? createPortal(
        <div className="switcher-menu" role="menu" ref={menu} style={{ top: open.top, left: open.left }} data-testid="market-menu">
          {markets.map((m) => <SwitcherItem key={m.symbol} market={m} current={m.symbol === market.symbol} />)}
        </div>,
        document.body,
      ) : null}
    </div>
  );
}

function SwitcherItem({ market: m, current }: { market: Market; current: boolean }) {
  const t = useTicker(m.symbol);
  return (
    <a role="menuitem" href={tradePath(m.symbol)} className={`switcher-item ${current ? 'current' : ''}`}>
      <span>{m.baseAsset}<span className="muted">/{m.quoteAsset}</span></span>
      <span className="num">{t ? formatPrice(t.lastPrice, m.tickSize) : '—'}</span>
      <span className={`num ${t ? trendOf(t.priceChangePercent) : ''}`}>{t ? formatPercent(t.priceChangePercent) : ''}</span>
    </a>
  );
}
