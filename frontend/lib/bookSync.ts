/**
 * Keeps a LocalOrderBook in step with the exchange (the procedure of shared/API.md):
 *
 * 1. subscribe to `depth@M` and buffer its events;
 * 2. fetch a REST snapshot (`lastUpdateId`);
 * 3. drop buffered events with `u <= lastUpdateId`, apply the rest in order;
 * 4. apply live events as they come; when one does not continue the book (a gap), go back to 2.
 *
 * A snapshot older than the buffered events (the subscription started after it was taken) is
 * fetched again, keeping the buffer. The owner calls `resync()` whenever the stream (re)starts,
 * e.g. after a reconnect, since events sent while disconnected are lost.
 *
 * A side whose snapshot was cut (as many levels as asked) is known only down to its cut, and the
 * levels that updates remove there are not replaced from beyond it: when fewer than
 * `refreshBelow` are left, a fresh snapshot is fetched the same way (steps 2-3) while the book
 * shown keeps taking live events, and replaces it once the events since are applied to it: one
 * at a time, at most one every `minRefreshMs`.
 */
import { LocalOrderBook } from './orderbook';
import type { DepthDiff, DepthSnapshot } from './types';

export type SyncState = 'idle' | 'syncing' | 'synced';

/** Levels asked for in a snapshot: far more than shown, so diffs never uncover unknown levels. */
export const BOOK_SNAPSHOT_LIMIT = 1000;
/** A cut side with fewer levels known than this is fetched afresh (the book panel shows 20 a side). */
export const BOOK_REFRESH_BELOW = 50;
/** At most one such refresh this often (ms). */
export const BOOK_REFRESH_MIN_MS = 5_000;

export interface BookSyncOptions {
  fetchSnapshot: () => Promise<DepthSnapshot>;
  /** Levels a side that `fetchSnapshot` asks for: a side with that many may go on beyond them. */
  snapshotLimit?: number;
  /** The book changed (or was reloaded). */
  onChange?: () => void;
  onState?: (state: SyncState) => void;
  /**
   * A sync's snapshot failed (it is fetched again after `retryDelayMs`), or `null` once one
   * arrives: without it a book that cannot load looks like one still loading.
   */
  onError?: (error: unknown) => void;
  /** Wait before fetching again after a failed or too old snapshot. */
  retryDelayMs?: number;
  /** A buffer longer than this while syncing is dropped and the sync restarted (a refresh given up). */
  maxBuffered?: number;
  /** A side cut at `snapshotLimit` with fewer known levels than this is refreshed (BOOK_REFRESH_BELOW). */
  refreshBelow?: number;
  /** Least time between the starts of two refreshes (ms; BOOK_REFRESH_MIN_MS). */
  minRefreshMs?: number;
}

export class BookSync {
  private current = new LocalOrderBook();
  private stateValue: SyncState = 'idle';
  private buffer: DepthDiff[] = [];
  /** Bumped by every resync/stop, so a late snapshot of an abandoned attempt is ignored. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Whether a fresh snapshot is on its way while the book stays synced (its events are buffered too). */
  private refreshing = false;
  /** When the last refresh started (ms). */
  private refreshedAt = -Infinity;
  /** Number of resynchronisations so far (diagnostics and tests). */
  resyncCount = 0;

  constructor(private readonly options: BookSyncOptions) {}

  /** The synchronised book (replaced on each successful resync). */
  get book(): LocalOrderBook {
    return this.current;
  }

  get state(): SyncState {
    return this.stateValue;
  }

  /** (Re)starts synchronisation from a fresh snapshot. Events keep being accepted meanwhile. */
  resync(firstBuffered?: DepthDiff): void {
    this.resyncCount++;
    this.restart(firstBuffered ? [firstBuffered] : []);
    this.setState('syncing');
    void this.fetchAndApply(this.generation);
  }

  stop(): void {
    this.restart([]);
    this.setState('idle');
  }

  handleEvent(diff: DepthDiff): void {
    const full = () => this.buffer.push(diff) > (this.options.maxBuffered ?? 10_000);
    if (this.stateValue === 'syncing') {
      if (full()) this.resync();
      return;
    }
    if (this.stateValue !== 'synced') return;
    // A refresh's snapshot takes the events since it too; given up when they are too many.
    if (this.refreshing && full()) this.restart([]);
    const result = this.current.applyDiff(diff);
    if (result === 'applied') {
      this.options.onChange?.();
      this.refreshIfThin();
    } else if (result === 'gap') this.resync(diff);
  }

  /** Abandons the attempt under way (a late snapshot of it is ignored), with `buffer` for the next. */
  private restart(buffer: DepthDiff[]): void {
    this.generation++;
    this.clearRetry();
    this.refreshing = false;
    this.buffer = buffer;
  }

  /**
   * Fetches a fresh snapshot, the book staying synced meanwhile, when a side cut at the snapshot's
   * limit has fewer known levels left than `refreshBelow`; not while one is on its way, nor sooner
   * than `minRefreshMs` after the last.
   */
  private refreshIfThin(): void {
    if (this.refreshing) return;
    const below = this.options.refreshBelow ?? BOOK_REFRESH_BELOW;
    if (!(['bids', 'asks'] as const).some((side) => (this.current.trustedLevels(side) ?? Infinity) < below)) return;
    const now = Date.now();
    if (now - this.refreshedAt < (this.options.minRefreshMs ?? BOOK_REFRESH_MIN_MS)) return;
    this.refreshedAt = now;
    this.restart([]);
    this.refreshing = true;
    void this.fetchAndApply(this.generation);
  }

  private async fetchAndApply(gen: number): Promise<void> {
    let snapshot: DepthSnapshot;
    try {
      snapshot = await this.options.fetchSnapshot();
    } catch (error) {
      // A refresh is given up (the book shown is still right); a sync tries again.
      if (gen === this.generation) {
        if (this.refreshing) this.restart([]);
        else {
          this.options.onError?.(error);
          this.retryLater(gen);
        }
      }
      return;
    }
    if (gen !== this.generation) return;
    this.options.onError?.(null);
    const candidate = new LocalOrderBook();
    candidate.loadSnapshot(snapshot, this.options.snapshotLimit);
    const buffered = this.buffer;
    for (const diff of buffered) {
      if (candidate.applyDiff(diff) === 'gap') {
        // The snapshot predates the buffered events: fetch a newer one, keeping the buffer.
        this.retryLater(gen);
        return;
      }
    }
    this.current = candidate;
    this.buffer = [];
    this.refreshing = false;
    this.setState('synced');
    this.options.onChange?.();
  }

  private retryLater(gen: number): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (gen === this.generation) void this.fetchAndApply(gen);
    }, this.options.retryDelayMs ?? 500);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setState(state: SyncState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.options.onState?.(state);
  }
}
