/**
 * First-load head start: the page's first requests are sent as soon as its script runs, before
 * React has rendered anything, and each is handed once to the component that would have made it.
 * A prefetched answer is used only for a first display, never where freshness matters (the order
 * book still resynchronises from a new snapshot once its stream is active).
 */
import { api } from './api';
import { BOOK_SNAPSHOT_LIMIT } from './bookSync';
import { marketFromPath } from './market';
import { KEEP_TRADES } from './trades';
import { getSocket } from './ws';

const MAX_AGE_MS = 5000;
const started = new Map<string, { at: number; promise: Promise<unknown> }>();

export const prefetchKeys = {
  markets: 'markets',
  depth: (symbol: string) => `depth:${symbol}`,
  trades: (symbol: string) => `trades:${symbol}`,
  ticker: (symbol: string) => `ticker:${symbol}`,
};

function prefetch(key: string, load: () => Promise<unknown>): void {
  if (started.has(key)) return;
  const promise = load();
  promise.catch(() => undefined); // unhandled until taken
  started.set(key, { at: Date.now(), promise });
}

/** The prefetched answer for `key` (once), or a fresh `load()`. */
export function takeOr<T>(key: string, load: () => Promise<T>): Promise<T> {
  const entry = started.get(key);
  started.delete(key);
  return entry && Date.now() - entry.at < MAX_AGE_MS ? (entry.promise as Promise<T>) : load();
}

/** Starts what the page at `pathname` shows first (browser only). */
export function prefetchForPage(pathname: string): void {
  getSocket();
  prefetch(prefetchKeys.markets, () => api.markets());
  const symbol = marketFromPath(pathname);
  if (!symbol) return;
  prefetch(prefetchKeys.depth(symbol), () => api.depth(symbol, BOOK_SNAPSHOT_LIMIT));
  prefetch(prefetchKeys.trades(symbol), () => api.trades(symbol, KEEP_TRADES));
  prefetch(prefetchKeys.ticker(symbol), () => api.ticker(symbol));
}
