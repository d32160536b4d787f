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
});
