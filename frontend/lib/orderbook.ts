/**
 * A local copy of one market's aggregated order book, kept exactly from a REST snapshot plus the
 * `depth@` diffs that follow it.
 *
 * Invariants:
 * - each side maps a price to its total resting quantity (> 0); a diff's quantity replaces the
 *   level's, and a zero quantity removes it;
 * - `lastUpdateId` is the id of the last update applied; a diff is applied only when it continues
 *   from there (`U <= lastUpdateId + 1 <= u`). Levels are absolute, so overlapping ids are harmless.
 *
 * Levels live in a Map keyed by canonical price (O(1) update) and are sorted lazily when read,
 * then cached until the next change: the page reads at most once per frame, while diffs may arrive
 * hundreds of times per second.
 *
 * A snapshot that has as many levels on a side as were asked for may have been cut there: the
 * exchange may hold more beyond its worst level. Diffs bring only the levels that change, so
 * beyond that price the book knows some levels and not others; it reads (levels, best) only down
 * to it (`cutAt`).
 */
import { add, isZero, normalize, toScaledUnits } from './decimal';
import type { DepthDiff, DepthSnapshot, Dec, Level } from './types';

export type BookSide = 'bids' | 'asks';

export interface BookLevel {
  price: Dec;
  quantity: Dec;
  /** Cumulative quantity from the best level down to this one. */
  total: Dec;
}

export type ApplyResult = 'applied' | 'stale' | 'gap';

interface Entry {
  price: Dec;
  quantity: Dec;
  /** Price as integer units at SORT_SCALE, for exact and fast sorting. */
  key: bigint;
}

const SORT_SCALE = 18;

export class LocalOrderBook {
  private readonly sides: Record<BookSide, Map<string, Entry>> = { bids: new Map(), asks: new Map() };
  private readonly sorted: Record<BookSide, Entry[] | null> = { bids: null, asks: null };
  /** The worst level of a snapshot that may have been cut there (null: it had the whole side). */
  private readonly cut: Record<BookSide, Entry | null> = { bids: null, asks: null };
  /** How many levels a side that was cut holds down to its cut (those it knows exactly). */
  private readonly trusted: Record<BookSide, number> = { bids: 0, asks: 0 };
  private updateId: number | null = null;
  private loaded = false;

  /** Id of the last update applied (null: no snapshot yet, or the server sends no ids). */
  get lastUpdateId(): number | null {
    return this.updateId;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /**
   * Replaces the whole book with a snapshot, asked for with at most `limit` levels a side (a side
   * with that many may go on beyond them).
   */
  loadSnapshot(snapshot: DepthSnapshot, limit = Infinity): void {
    this.clear();
    this.setLevels('bids', snapshot.bids);
    this.setLevels('asks', snapshot.asks);
    for (const side of ['bids', 'asks'] as const) {
      const all = this.sortedSide(side);
      this.cut[side] = all.length >= limit ? (all.at(-1) ?? null) : null;
      this.trusted[side] = all.length;
      this.sorted[side] = null;
    }
    this.updateId = snapshot.lastUpdateId;
    this.loaded = true;
  }

  clear(): void {
    this.sides.bids.clear();
    this.sides.asks.clear();
    this.sorted.bids = this.sorted.asks = null;
    this.cut.bids = this.cut.asks = null;
    this.updateId = null;
    this.loaded = false;
  }

  /**
   * Applies a diff if it continues the book: 'stale' when already covered (ignored), 'gap' when
   * updates are missing in between (not applied: the book must be resynchronised).
   */
  applyDiff(diff: DepthDiff): ApplyResult {
    if (!this.loaded) return 'gap';
    if (this.updateId !== null) {
      if (diff.lastId <= this.updateId) return 'stale';
      if (diff.firstId > this.updateId + 1) return 'gap';
    }
    this.setLevels('bids', diff.bids);
    this.setLevels('asks', diff.asks);
    this.updateId = this.updateId === null ? null : diff.lastId;
    return 'applied';
  }

  /** The best `limit` levels of a side, best first, with cumulative totals. */
  levels(side: BookSide, limit: number): BookLevel[] {
    const entries = this.sortedSide(side);
    const out: BookLevel[] = [];
    let total = '0';
    for (let i = 0; i < entries.length && i < limit; i++) {
      const e = entries[i] as Entry;
      total = add(total, e.quantity);
      out.push({ price: e.price, quantity: e.quantity, total });
    }
    return out;
  }

  /** Every level of a side it knows, best first (no totals): for walking the book (lib/bookWalk.ts). */
  levelsBestFirst(side: BookSide): readonly { readonly price: Dec; readonly quantity: Dec }[] {
    return this.sortedSide(side);
  }

  /**
   * How many levels of a side the book knows exactly, when its snapshot may have been cut (those
   * down to `cutAt`; null: it knows the whole side). Levels removed by updates are not replaced
   * from beyond the cut: a fresh snapshot is needed when few are left (lib/bookSync.ts).
   */
  trustedLevels(side: BookSide): number | null {
    return this.cut[side] ? this.trusted[side] : null;
  }

  /** The price down to which the book knows a side, when its snapshot may have been cut there (null: the whole side). */
  cutAt(side: BookSide): Dec | null {
    return this.cut[side]?.price ?? null;
  }

  best(side: BookSide): Dec | null {
    return this.sortedSide(side)[0]?.price ?? null;
  }

  depth(side: BookSide): number {
    return this.sides[side].size;
  }

  private setLevels(side: BookSide, levels: readonly Level[]): void {
    if (levels.length === 0) return;
    const map = this.sides[side];
    for (const [price, quantity] of levels) {
      const k = normalize(price);
      const old = map.get(k);
      if (old && this.known(side, old.key)) this.trusted[side]--;
      if (isZero(quantity)) {
        map.delete(k);
        continue;
      }
      const entry = { price, quantity, key: old?.key ?? toScaledUnits(price, SORT_SCALE) };
      map.set(k, entry);
      if (this.known(side, entry.key)) this.trusted[side]++;
    }
    this.sorted[side] = null;
  }

  /** Whether a level at `key` is on the side of its cut the book knows exactly (any, when not cut). */
  private known(side: BookSide, key: bigint): boolean {
    const cut = this.cut[side]?.key;
    return cut === undefined || (side === 'bids' ? key >= cut : key <= cut);
  }

  private sortedSide(side: BookSide): Entry[] {
    let s = this.sorted[side];
    if (!s) {
      s = [...this.sides[side].values()];
      // Bids best (highest) first, asks best (lowest) first; none beyond where a snapshot was cut.
      if (this.cut[side]) s = s.filter((e) => this.known(side, e.key));
      if (side === 'bids') s.sort((a, b) => (a.key > b.key ? -1 : a.key < b.key ? 1 : 0));
      else s.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.sorted[side] = s;
    }
    return s;
  }
}
