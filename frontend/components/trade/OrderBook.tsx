'use client';
import { memo, useMemo } from 'react';
import { Panel } from '@/components/ui/Panel';
import { StateMessage } from '@/components/ui/StateMessage';
import { StreamNote } from '@/components/ui/StreamNote';
import { useAccount } from '@/hooks/useAccount';
import { useConnection, useStreamProblem } from '@/hooks/useConnection';
import { useOrderBook } from '@/hooks/useOrderBook';
import { usePriceRows } from '@/hooks/usePriceRows';
import { useReadyMark } from '@/hooks/useReadyMark';
import { useTicker } from '@/hooks/useTickers';
import { cmp, normalize, ratio, sub } from '@/lib/decimal';
import { formatPrice, formatQty, trendOf } from '@/lib/format';
import type { BookLevel } from '@/lib/orderbook';
import type { Market } from '@/lib/types';
import { streams } from '@/lib/ws';

/** Levels shown on each side. */
const LEVELS = 12;

/** The order book: asks above, bids below, cumulative depth bars, the user's levels marked. */
export function OrderBook({ market, onPick }: { market: Market; onPick: (price: string) => void }) {
  const { book, state, error, version } = useOrderBook();
  const { openOrders } = useAccount();
  const { state: connection } = useConnection();
  // A book whose depth stream the exchange did not subscribe is its snapshot, frozen: not synced.
  const streamProblem = useStreamProblem(streams.depth(market.symbol));

  const view = useMemo(() => {
    if (!book?.isLoaded) return null;
    const asks = book.levels('asks', LEVELS);
    const bids = book.levels('bids', LEVELS);
    const deepest = [asks[asks.length - 1]?.total ?? '0', bids[bids.length - 1]?.total ?? '0'];
    const maxTotal = cmp(deepest[0] as string, deepest[1] as string) >= 0 ? deepest[0] as string : deepest[1] as string;
    return { asks, bids, maxTotal };
    // `version` changes whenever the (mutable) book does.
  }, [book, version]);

  const mine = useMemo(() => new Set((openOrders ?? []).map((o) => `${o.side}:${normalize(o.price)}`)), [openOrders]);

  // Shown once loaded, even empty: the chart and the account wait for it (lib/readiness.ts).
  useReadyMark('book-ready', view !== null);

  const asksShown = view?.asks.length ?? 0;
  // The keyboard starts at the best price: the best ask (the last ask row, above the spread), or
  // the best bid when there are no asks.
  const { tabStop, listProps } = usePriceRows(onPick, asksShown + (view?.bids.length ?? 0), Math.max(0, asksShown - 1));

  const stale = connection !== 'live' || state !== 'synced' || streamProblem !== null;
  return (
    <Panel title="Order book" className="area-book book-panel" testId="orderbook"
      actions={streamProblem ? <StreamNote problem={streamProblem} testId="book-state" />
        : <span className={`sync sync-${state}`} data-testid="book-state" data-state={state}>{state === 'synced' ? '' : 'syncing…'}</span>}>
      <div className="book-head">
        <span>Price ({market.quoteAsset})</span>
        <span className="num">Amount ({market.baseAsset})</span>
        <span className="num">Total</span>
      </div>
      {view === null ? (
        error ? <StateMessage kind="error">{error} — retrying…</StateMessage> : <StateMessage kind="loading">Loading order book…</StateMessage>
      ) : (
        <div className={`book ${stale ? 'is-stale' : ''}`} {...listProps} aria-label="Order book: pick a price for the order form">
          <div className="book-side book-asks">
            {view.asks.length === 0 ? <div className="book-empty muted">No asks</div> : null}
            {/* Rows keyed by slot: a moving book updates text in place instead of moving nodes. */}
            {[...view.asks].reverse().map((l, i, all) => (
              <BookRow key={all.length - i} level={l} side="ask" market={market} maxTotal={view.maxTotal}
                mine={mine.has(`sell:${normalize(l.price)}`)} tabStop={i === tabStop} best={i === all.length - 1} />
            ))}
          </div>
          <Spread market={market} bestBid={view.bids[0]?.price ?? null} bestAsk={view.asks[0]?.price ?? null} />
          <div className="book-side book-bids">
            {view.bids.map((l, i) => (
              <BookRow key={i} level={l} side="bid" market={market} maxTotal={view.maxTotal}
                mine={mine.has(`buy:${normalize(l.price)}`)} tabStop={asksShown + i === tabStop} best={i === 0} />
            ))}
            {view.bids.length === 0 ? <div className="book-empty muted">No bids</div> : null}
          </div>
        </div>
      )}
    </Panel>
  );
}

interface BookRowProps {
  level: BookLevel; side: 'bid' | 'ask'; market: Market; maxTotal: string; mine: boolean; tabStop: boolean; best: boolean;
}

/** Levels are new objects on every redraw: a row is drawn again only when what it shows changed. */
const sameRow = (a: BookRowProps, b: BookRowProps) => a.level.price === b.level.price && a.level.quantity === b.level.quantity
  && a.level.total === b.level.total && a.maxTotal === b.maxTotal && a.side === b.side && a.market === b.market
  && a.mine === b.mine && a.tabStop === b.tabStop && a.best === b.best;

const BookRow = memo(function BookRow({ level, side, market, maxTotal, mine, tabStop, best }: BookRowProps) {
  const width = Math.min(1, ratio(level.total, maxTotal));
  const price = formatPrice(level.price, market.tickSize);
  const quantity = formatQty(level.quantity, market.stepSize);
  // Clicks and keys: the list's (usePriceRows).
  return (
    <div className={`book-row ${side}`} data-testid={`book-${side}`} data-price={level.price} role="button" tabIndex={tabStop ? 0 : -1}
      aria-label={`Use ${side} price ${price} (${quantity} ${market.baseAsset}${mine ? ', your order' : ''}) in the order form`}>
      <span className="book-bar" style={{ transform: `scaleX(${width})` }} aria-hidden />
      {/* The best level's row keeps its element, so the browser reports its first paint once. */}
      <span className="book-price" elementtiming={best ? `book-${side}` : undefined}>{mine ? <span className="mine-dot" title="Your order" aria-label="your order" /> : null}{formatPrice(level.price, market.tickSize)}</span>
      <span className="num book-qty">{formatQty(level.quantity, market.stepSize)}</span>
      <span className="num book-total">{formatQty(level.total, market.stepSize)}</span>
    </div>
  );
}, sameRow);

/** Between the sides: the last price and the spread. */
function Spread({ market, bestBid, bestAsk }: { market: Market; bestBid: string | null; bestAsk: string | null }) {
  const t = useTicker(market.symbol);
  const spread = bestBid && bestAsk ? sub(bestAsk, bestBid) : null;
  return (
    <div className="book-spread" data-testid="book-spread">
      <span className={`spread-last ${t ? trendOf(t.priceChange) : ''}`}>{t ? formatPrice(t.lastPrice, market.tickSize) : '—'}</span>
      <span className="muted spread-value">{spread ? `Spread ${formatPrice(spread, market.tickSize)}` : ''}</span>
    </div>
  );
}
