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
 */
import { LocalOrderBook } from './orderbook';
import type { DepthDiff, DepthSnapshot } from './types';

export type SyncState = 'idle' | 'syncing' | 'synced';

/** Levels asked for in a snapshot: far more than shown, so diffs never uncover unknown levels. */
export const BOOK_SNAPSHOT_LIMIT = 1000;

export interface BookSyncOptions {
  fetchSnapshot: () => Promise<DepthSnapshot>;
  /** Levels a side that `fetchSnapshot` asks for: a side with that many may go on beyond them. */
  snapshotLimit?: number;
  /** The book changed (or was reloaded). */
  onChange?: () => void;
  onState?: (state: SyncState) => void;
  /** Wait before fetching again after a failed or too old snapshot. */
  retryDelayMs?: number;
  /** A buffer longer than this while syncing is dropped and the sync restarted. */
  maxBuffered?: number;
}

export class BookSync {
  private current = new LocalOrderBook();
  private stateValue: SyncState = 'idle';
  private buffer: DepthDiff[] = [];
  /** Bumped by every resync/stop, so a late snapshot of an abandoned attempt is ignored. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
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
    this.generation++;
    this.clearRetry();
    this.buffer = firstBuffered ? [firstBuffered] : [];
    this.setState('syncing');
    void this.fetchAndApply(this.generation);
  }

  stop(): void {
    this.generation++;
    this.clearRetry();
    this.buffer = [];
    this.setState('idle');
  }

  handleEvent(diff: DepthDiff): void {
    if (this.stateValue === 'syncing') {
      this.buffer.push(diff);
      if (this.buffer.length > (this.options.maxBuffered ?? 10_000)) this.resync();
      return;
    }
    if (this.stateValue !== 'synced') return;
    const result = this.current.applyDiff(diff);
    if (result === 'applied') this.options.onChange?.();
    else if (result === 'gap') this.resync(diff);
  }

  private async fetchAndApply(gen: number): Promise<void> {
    let snapshot: DepthSnapshot;
    try {
      snapshot = await this.options.fetchSnapshot();
    } catch {
      if (gen === this.generation) this.retryLater(gen);
      return;
    }
    if (gen !== this.generation) return;
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
