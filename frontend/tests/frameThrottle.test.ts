import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { frameThrottle } from '@/lib/frameThrottle';

/** Animation frames every 16 ms on the fake clock. */
function fakeFrames() {
  let next = 1;
  const callbacks = new Map<number, () => void>();
  vi.stubGlobal('requestAnimationFrame', (cb: () => void) => { callbacks.set(next, cb); return next++; });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => { callbacks.delete(id); });
  const timer = setInterval(() => {
    const due = [...callbacks.values()];
    callbacks.clear();
    for (const cb of due) cb();
  }, 16);
  return () => clearInterval(timer);
}

describe('frameThrottle', () => {
  let stop: () => void;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    stop = fakeFrames();
  });
  afterEach(() => {
    stop();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
  const now = () => Date.now();

  it('runs once per frame at most, and at most once per slot', () => {
    const runs: number[] = [];
    const t = frameThrottle(() => runs.push(now()), 100, now);
    t.schedule();
    t.schedule();
    vi.advanceTimersByTime(16);
    expect(runs).toEqual([16]);
    // Events all through the slot: the next run is on the first frame of the next slot.
    for (let i = 0; i < 20; i++) {
      t.schedule();
      vi.advanceTimersByTime(5);
    }
    expect(runs).toEqual([16, 112]);
  });

  it('puts throttles of the same and of multiple intervals in the same frames', () => {
    const book: number[] = [];
    const chart: number[] = [];
    const b = frameThrottle(() => book.push(now()), 100, now);
    const c = frameThrottle(() => chart.push(now()), 200, now);
    vi.advanceTimersByTime(30);
    for (let i = 0; i < 100; i++) {
      b.schedule();
      c.schedule();
      vi.advanceTimersByTime(7);
    }
    expect(chart.length).toBeGreaterThan(2);
    for (const t of chart) expect(book).toContain(t);
  });

  it('draws a stream quiet for a slot on the next frame, and can be cancelled', () => {
    const runs: number[] = [];
    const t = frameThrottle(() => runs.push(now()), 100, now);
    vi.advanceTimersByTime(250);
    t.schedule();
    vi.advanceTimersByTime(16);
    expect(runs).toHaveLength(1);
    t.schedule();
    t.cancel();
    vi.advanceTimersByTime(500);
    expect(runs).toHaveLength(1);
  });
});
