'use client';
import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { useMarkets } from '@/hooks/useMarkets';
import { useTicker } from '@/hooks/useTickers';
import { formatPercent, formatPrice, trendOf } from '@/lib/format';
import { tradePath } from '@/lib/market';
import type { Market } from '@/lib/types';

/** Which item takes the focus when the menu opens: the first (a click, Enter, ArrowDown) or the last (ArrowUp). */
type Opening = { top: number; left: number; focus: 'first' | 'last' };

/**
 * The market's name, opening a list of the other markets. The list is drawn in the page's body,
 * under the button: the ticker bar it sits in is contained (`contain: strict`), which clips
 * anything drawn inside it to the bar. Being at the end of the body, it is not next to the button
 * in the keyboard's order, so it is a menu that manages its focus (the WAI-ARIA menu button): the
 * focus goes into it when it opens, the arrow keys, Home and End move between its items, Escape
 * closes it and gives the focus back to the button, Tab closes it and goes on from the button.
 */
export function MarketSwitcher({ market }: { market: Market }) {
  const [open, setOpen] = useState<Opening | null>(null);
  const { markets } = useMarkets();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const show = (focus: Opening['focus']) => {
    const r = root.current?.getBoundingClientRect();
    if (r) setOpen({ top: r.bottom + window.scrollY, left: r.left + window.scrollX, focus });
  };
  const toggle = () => (open ? setOpen(null) : show('first'));
  const closeToButton = () => {
    setOpen(null);
    button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!root.current?.contains(target) && !menu.current?.contains(target)) setOpen(null);
    };
    // Escape wherever the focus is (a click may have left it on the page).
    const esc = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      closeToButton();
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  // Into the menu once it is drawn (the markets may arrive after it opened).
  const ready = open !== null && markets !== null;
  useEffect(() => {
    if (!ready || !open) return;
    const items = menuItems(menu.current);
    (open.focus === 'first' ? items[0] : items[items.length - 1])?.focus();
  }, [ready, open]);

  const onButtonKey = (e: ReactKeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    show(e.key === 'ArrowDown' ? 'first' : 'last');
  };
  const onMenuKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const items = menuItems(menu.current);
    const at = items.indexOf(document.activeElement as HTMLElement);
    let next: number;
    switch (e.key) {
      case 'ArrowDown': next = at < 0 ? 0 : (at + 1) % items.length; break;
      case 'ArrowUp': next = at <= 0 ? items.length - 1 : at - 1; break;
      case 'Home': next = 0; break;
      case 'End': next = items.length - 1; break;
      case 'Tab':
        // Not prevented: from the button, Tab (or Shift+Tab) goes on to what follows (or precedes) it.
        setOpen(null);
        button.current?.focus();
        return;
      case ' ':
        // A link follows Enter by itself; a menu item takes Space too.
        e.preventDefault();
        items[at]?.click();
        return;
      default:
        return;
    }
    e.preventDefault();
    items[next]?.focus();
  };

  return (
    <div className="switcher" ref={root}>
      <button type="button" className="switcher-button" ref={button} aria-haspopup="menu" aria-expanded={open !== null}
        aria-controls={open ? menuId : undefined} data-testid="market-switcher" onClick={toggle} onKeyDown={onButtonKey}>
        <span className="asset-icon" aria-hidden>{market.baseAsset.slice(0, 1)}</span>
        <span className="switcher-name">{market.baseAsset}<span className="muted">/{market.quoteAsset}</span></span>
        <span className="caret" aria-hidden>▾</span>
      </button>
      {open && markets ? createPortal(
        <div className="switcher-menu" role="menu" id={menuId} aria-label="Markets" ref={menu} style={{ top: open.top, left: open.left }}
          data-testid="market-menu" onKeyDown={onMenuKey}>
          {markets.map((m) => <SwitcherItem key={m.symbol} market={m} current={m.symbol === market.symbol} />)}
        </div>,
        document.body,
      ) : null}
    </div>
  );
}

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return menu ? [...menu.querySelectorAll<HTMLElement>('[role=menuitem]')] : [];
}

function SwitcherItem({ market: m, current }: { market: Market; current: boolean }) {
  // Optional: these tickers give way to the trade view's own streams (lib/ws.ts).
  const t = useTicker(m.symbol, { optional: true });
  return (
    <a role="menuitem" tabIndex={-1} href={tradePath(m.symbol)} className={`switcher-item ${current ? 'current' : ''}`}
      aria-current={current ? 'page' : undefined}>
      <span>{m.baseAsset}<span className="muted">/{m.quoteAsset}</span></span>
      <span className="num">{t ? formatPrice(t.lastPrice, m.tickSize) : '—'}</span>
      <span className={`num ${t ? trendOf(t.priceChangePercent) : ''}`}>{t ? formatPercent(t.priceChangePercent) : ''}</span>
    </a>
  );
}
