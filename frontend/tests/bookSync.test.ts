import { describe, expect, it, vi } from 'vitest';
import { BookSync } from '@/lib/bookSync';
import type { DepthDiff, DepthSnapshot, Level } from '@/lib/types';

const diff = (firstId: number, lastId: number, bids: Level[] = [], asks: Level[] = []): DepthDiff =>
  ({ market: 'M', firstId, lastId, bids, asks });
const snap = (lastUpdateId: number, bids: Level[] = [], asks: Level[] = []): DepthSnapshot => ({ lastUpdateId, bids, asks });

/** A snapshot fetch the test resolves by hand. */
function controlledFetch() {
  const pending: ((s: DepthSnapshot) => void)[] = [];
  const fetchSnapshot = vi.fn(() => new Promise<DepthSnapshot>((resolve) => pending.push(resolve)));
  const answer = async (s: DepthSnapshot) => {
    const resolve = pending.shift();
    if (!resolve) throw new Error('no snapshot request pending');
    resolve(s);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { fetchSnapshot, answer, pending };
}

const bids = (sync: BookSync) => sync.book.levels('bids', 10_000).map((l) => `${l.price}x${l.quantity}`);

describe('BookSync', () => {
  it('buffers events during the snapshot and applies only those after it', async () => {
    const f = controlledFetch();
    const onChange = vi.fn();
    const sync = new BookSync({ fetchSnapshot: f.fetchSnapshot, onChange });
    sync.resync();
    expect(sync.state).toBe('syncing');
    sync.handleEvent(diff(4, 5, [['100', '1']]));   // covered by the snapshot
    sync.handleEvent(diff(6, 7, [['101', '2']]));   // straddles it
    sync.handleEvent(diff(8, 8, [['102', '3']]));
    await f.answer(snap(6, [['100', '1'], ['99', '5']]));
    expect(sync.state).toBe('synced');
    expect(sync.book.lastUpdateId).toBe(8);
    expect(bids(sync)).toEqual(['102x3', '101x2', '100x1', '99x5']);
    expect(onChange).toHaveBeenCalled();

    sync.handleEvent(diff(9, 9, [['102', '0']]));
    expect(bids(sync)).toEqual(['101x2', '100x1', '99x5']);
  });

  it('knows a side only down to where a snapshot of as many levels as asked was cut', async () => {
    const f = controlledFetch();
    const sync = new BookSync({ fetchSnapshot: f.fetchSnapshot, snapshotLimit: 2 });
    sync.resync();
    await f.answer(snap(6, [['100', '1'], ['99', '5']], [['101', '1']]));
    sync.handleEvent(diff(7, 7, [['97', '3'], ['100', '0']]));
    // 98 may rest on the exchange, unknown here: 97 is not shown as the next bid after 99.
    expect(bids(sync)).toEqual(['99x5']);
    expect([sync.book.cutAt('bids'), sync.book.cutAt('asks')]).toEqual(['99', null]);
  });

  it('fetches a fresh snapshot when few known levels are left on a cut side, losing no event meanwhile', async () => {
    vi.useFakeTimers();
    try {
      const f = controlledFetch();
      const onState = vi.fn();
      const sync = new BookSync({ fetchSnapshot: f.fetchSnapshot, snapshotLimit: 4, refreshBelow: 3, minRefreshMs: 1_000, onState });
      sync.resync();
      // Cut at 97 (4 levels, as many as asked); the exchange holds 96 and 95 beyond it.
      await f.answer(snap(10, [['100', '1'], ['99', '1'], ['98', '1'], ['97', '1']]));
      sync.handleEvent(diff(11, 11, [['100', '0']]));    // 3 known: enough
      expect(f.fetchSnapshot).toHaveBeenCalledTimes(1);
      sync.handleEvent(diff(12, 12, [['99', '0']]));     // 2 known: a fresh snapshot
      expect(f.fetchSnapshot).toHaveBeenCalledTimes(2);
      // The book shown stays synced and keeps taking events while it is on its way.
      expect(sync.state).toBe('synced');
      sync.handleEvent(diff(13, 13, [['98', '0']]));     // 1 known: one refresh at a time
      expect(f.fetchSnapshot).toHaveBeenCalledTimes(2);
      expect(bids(sync)).toEqual(['97x1']);
      sync.handleEvent(diff(14, 14, [['97', '2']]));
      // Taken at 12: events 13-14 are applied to it.
      await f.answer(snap(12, [['98', '1'], ['97', '1'], ['96', '1'], ['95', '1']]));
      expect(sync.state).toBe('synced');
      expect(onState.mock.calls.map(([s]) => s)).toEqual(['syncing', 'synced']);
      expect(bids(sync)).toEqual(['97x2', '96x1', '95x1']);
      expect(sync.book.lastUpdateId).toBe(14);
      expect(sync.book.cutAt('bids')).toBe('95');
      sync.handleEvent(diff(15, 15, [['96', '3']]));
      expect(bids(sync)).toEqual(['97x2', '96x3', '95x1']);

      // Thin again at once: not before minRefreshMs since the last one started.
      sync.handleEvent(diff(16, 16, [['97', '0']]));
      expect(f.fetchSnapshot).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(1_000);
      sync.handleEvent(diff(17, 17, [['96', '1']]));
      expect(f.fetchSnapshot).toHaveBeenCalledTimes(3);
      expect(sync.state).toBe('synced');
      expect(bids(sync)).toEqual(['96x1', '95x1']);
      expect(sync.resyncCount).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resynchronises when a live event leaves a gap', async () => {
    vi.useFakeTimers();
    try {
      const f = controlledFetch();
      const sync = new BookSync({ fetchSnapshot: f.fetchSnapshot });
      sync.resync();
      await f.answer(snap(10, [['100', '1']]));
      sync.handleEvent(diff(11, 11, [['100', '2']]));
      expect(sync.state).toBe('synced');

      sync.handleEvent(diff(14, 15, [['100', '9']]));   // 12..13 were lost
      expect(sync.state).toBe('syncing');
      expect(f.fetchSnapshot).toHaveBeenCalledTimes(2);
      expect(bids(sync)).toEqual(['100x2']);             // the gapped event was not applied
      sync.handleEvent(diff(16, 16, [['101', '1']]));
      await f.answer(snap(15, [['100', '9']]));
      expect(sync.state).toBe('synced');
      expect(bids(sync)).toEqual(['101x1', '100x9']);
      expect(sync.resyncCount).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fetches again, keeping the buffer, when the snapshot is older than the buffered events', async () => {
    vi.useFakeTimers();
    try {
      const f = controlledFetch();
      const sync = new BookSync({ fetchSnapshot: f.fetchSnapshot, retryDelayMs: 100 });
      sync.resync();
      sync.handleEvent(diff(20, 21, [['100', '1']]));
      await f.answer(snap(5));                          // too old: 6..19 unknown
      expect(sync.state).toBe('syncing');
      sync.handleEvent(diff(22, 22, [['101', '1']]));
      await vi.advanceTimersByTimeAsync(100);
      expect(f.fetchSnapshot).toHaveBeenCalledTimes(2);
      await f.answer(snap(21, [['100', '1']]));
      expect(sync.state).toBe('synced');
      expect(bids(sync)).toEqual(['101x1', '100x1']);
      expect(sync.book.lastUpdateId).toBe(22);
    } finally {
      vi.useRealTimers();
    }
  });

  it('retries a failed snapshot and ignores a late one after a newer resync', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const answers: ((s: DepthSnapshot) => void)[] = [];
      const fetchSnapshot = () => {
        calls++;
        if (calls === 1) return Promise.reject(new Error('down'));
        return new Promise<DepthSnapshot>((r) => answers.push(r));
      };
      const sync = new BookSync({ fetchSnapshot, retryDelayMs: 50 });
      sync.resync();
      await vi.advanceTimersByTimeAsync(50);
      expect(calls).toBe(2);
      sync.resync();                                    // e.g. the stream reconnected
      expect(calls).toBe(3);
      answers[1]?.(snap(7, [['2', '2']]));
      await vi.advanceTimersByTimeAsync(0);
      answers[0]?.(snap(3, [['1', '1']]));             // the abandoned attempt answers late
      await vi.advanceTimersByTimeAsync(0);
      expect(sync.state).toBe('synced');
      expect(bids(sync)).toEqual(['2x2']);
      expect(sync.book.lastUpdateId).toBe(7);
    } finally {
      vi.useRealTimers();
    }
  });

  it('tells why a sync failed while it retries, and that it is over once a snapshot comes', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const fetchSnapshot = () => (++calls <= 2 ? Promise.reject(new Error('service unavailable')) : Promise.resolve(snap(3, [['1', '1']])));
      const onError = vi.fn();
      const sync = new BookSync({ fetchSnapshot, retryDelayMs: 50, onError });
      sync.resync();
      await vi.advanceTimersByTimeAsync(0);
      expect(onError.mock.calls.map(([e]) => (e as Error).message)).toEqual(['service unavailable']);
      await vi.advanceTimersByTimeAsync(100);
      expect(sync.state).toBe('synced');
      expect(onError.mock.calls.map(([e]) => (e === null ? null : (e as Error).message))).toEqual(['service unavailable', 'service unavailable', null]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reproduces a book exactly through random diffs with dropped events', async () => {
    // Reference: an exchange-side book; diffs carry absolute quantities with ids.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const truth = new Map<string, string>();
    let lastId = 0;
    const step = (): DepthDiff => {
      const levels: Level[] = [];
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
        const price = (100 + Math.floor(rand() * 20)).toString() + '.' + String(Math.floor(rand() * 100)).padStart(2, '0');
        const qty = rand() < 0.3 ? '0' : (Math.floor(rand() * 1000) / 100).toFixed(2);
        if (qty === '0' || qty === '0.00') truth.delete(price); else truth.set(price, qty);
        levels.push([price, qty]);
      }
      const d = diff(lastId + 1, lastId + 1, levels);
      lastId++;
      return d;
    };
    const snapshot = (): DepthSnapshot => ({ lastUpdateId: lastId, bids: [...truth.entries()], asks: [] });
    const sync = new BookSync({ fetchSnapshot: async () => snapshot() });
    sync.resync();
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 2000; i++) {
      const d = step();
      if (rand() < 0.01) continue;                       // lost on the wire
      sync.handleEvent(d);
      if (sync.state === 'syncing') await new Promise((r) => setTimeout(r, 0));
    }
    const expected = [...truth.entries()].sort((a, b) => Number(b[0]) - Number(a[0])).map(([p, q]) => `${p}x${q}`);
    expect(bids(sync)).toEqual(expected);
    expect(sync.resyncCount).toBeGreaterThan(1);
  });
});
