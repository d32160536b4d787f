/** The recent-trades list: newest first, no duplicates, bounded. */
import type { PublicTrade } from './types';

export const KEEP_TRADES = 50;

/** Merges trades (from REST and the stream, in any order) into a newest-first list of at most `keep`. */
export function mergeTrades(current: readonly PublicTrade[], incoming: readonly PublicTrade[], keep = KEEP_TRADES): PublicTrade[] {
  const seen = new Set<string>();
  const all = [...incoming, ...current].filter((t) => !seen.has(t.id) && (seen.add(t.id), true));
  all.sort((a, b) => b.time - a.time || compareIds(b.id, a.id));
  return all.slice(0, keep);
}

/** Trade ids are increasing integers (order ids base-36 text): compare by length, then text. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
