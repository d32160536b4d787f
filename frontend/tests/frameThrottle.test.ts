import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { frameGroup, frameThrottle } from '@/lib/frameThrottle';

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
    vi.advanceTimersByTime(1000);   // frames left pending run here, not in the next test
    stop();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
  const now = () => Date.now();

  it('runs the first time at once, then on a frame at most once per interval', () => {
    const runs: number[] = [];
    const t = frameThrottle(() => runs.push(now()), 100, now);
    vi.advanceTimersByTime(10);
    t.schedule();
    t.schedule();
    expect(runs).toEqual([10]);
    // Events all through the interval: the next run is on the first frame after it.
    for (let i = 0; i < 20; i++) {
      t.schedule();
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(20);
    expect(runs).toEqual([10, 112]);
  });

  it('runs at most one throttle per frame, the others on the frames after', () => {
    const frames = new Map<number, string[]>();
    const record = (name: string) => () => frames.set(now(), [...(frames.get(now()) ?? []), name]);
    const all = [frameThrottle(record('book'), 100, now), frameThrottle(record('trades'), 100, now), frameThrottle(record('ticker'), 200, now)];
    for (const t of all) t.schedule();   // first runs: at once
    frames.clear();
    for (let i = 0; i < 100; i++) {
      for (const t of all) t.schedule();
      vi.advanceTimersByTime(7);
    }
    const names = [...frames.values()];
    expect(names.every((n) => n.length === 1)).toBe(true);
    const count = (name: string) => names.filter((n) => n[0] === name).length;
    expect(count('book')).toBeGreaterThanOrEqual(6);
    expect(count('trades')).toBeGreaterThanOrEqual(6);
    expect(count('ticker')).toBeGreaterThanOrEqual(3);
  });

  it('can be cancelled, queued or waiting', () => {
    const runs: number[] = [];
    const t = frameThrottle(() => runs.push(now()), 100, now);
    t.schedule();
    expect(runs).toHaveLength(1);
    t.schedule();                 // waiting for its interval
    t.cancel();
    vi.advanceTimersByTime(200);
    expect(runs).toHaveLength(1);
    t.schedule();                 // queued for a frame
    t.cancel();
    vi.advanceTimersByTime(500);
    expect(runs).toHaveLength(1);
  });

  it('runs the members of a group together, each the first time at once', () => {
    const frames = new Map<number, string[]>();
    const record = (name: string) => () => frames.set(now(), [...(frames.get(now()) ?? []), name]);
    const group = frameGroup(100, now);
    const book = group.member(record('book'));
    const trades = group.member(record('trades'));
    vi.advanceTimersByTime(5);
    book.schedule();                       // first run: at once
    vi.advanceTimersByTime(30);
    trades.schedule();                     // first run: at once, though the book just ran
    expect([...frames.values()]).toEqual([['book'], ['trades']]);
    frames.clear();
    for (let i = 0; i < 60; i++) {
      book.schedule();
      if (i % 2 === 0) trades.schedule();
      vi.advanceTimersByTime(10);
    }
    const runs = [...frames.entries()].sort((a, b) => a[0] - b[0]);
    // Both changed in every interval: always drawn on the same frame, at most once per interval.
    expect(runs.length).toBeGreaterThanOrEqual(5);
    expect(runs.every(([, names]) => names.length === 2)).toBe(true);
    for (let i = 1; i < runs.length; i++) expect((runs[i] as [number, string[]])[0] - (runs[i - 1] as [number, string[]])[0]).toBeGreaterThanOrEqual(100);
    // Only the book changed: only the book is drawn.
    vi.advanceTimersByTime(200);
    frames.clear();
    book.schedule();
    vi.advanceTimersByTime(50);
    expect([...frames.values()]).toEqual([['book']]);
    // A cancelled member is not drawn.
    vi.advanceTimersByTime(200);
    frames.clear();
    book.schedule();
    trades.schedule();
    trades.cancel();
    vi.advanceTimersByTime(50);
    expect([...frames.values()]).toEqual([['book']]);
  });

  it('can wait for a frame the first time, and keep the frame after a run free', () => {
    const frames = new Map<number, string[]>();
    const record = (name: string) => () => frames.set(now(), [...(frames.get(now()) ?? []), name]);
    const chart = frameThrottle(record('chart'), 1000, now, { firstAtOnce: false, holdNextFrame: true });
    const book = frameThrottle(record('book'), 100, now);
    book.schedule();
    frames.clear();
    vi.advanceTimersByTime(200);
    chart.schedule();
    expect(frames.size).toBe(0);           // not at once: on the next frame
    vi.advanceTimersByTime(20);
    book.schedule();
    vi.advanceTimersByTime(100);
    const runs = [...frames.entries()].sort((a, b) => a[0] - b[0]);
    expect(runs.map(([, n]) => n[0])).toEqual(['chart', 'book']);
    // The book, due on the frame right after the chart's, waited one more frame.
    expect((runs[1] as [number, string[]])[0] - (runs[0] as [number, string[]])[0]).toBeGreaterThanOrEqual(32);
  });
});

