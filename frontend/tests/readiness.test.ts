import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterShown, markShown } from '@/lib/readiness';

describe('readiness', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for every name, then resolves', async () => {
    let resolved = false;
    void afterShown(['a-ready', 'b-ready'], 10_000).then(() => { resolved = true; });
    markShown('a-ready');
    await vi.advanceTimersByTimeAsync(10);
    expect(resolved).toBe(false);
    markShown('b-ready');
    await vi.advanceTimersByTimeAsync(10);
    expect(resolved).toBe(true);
    // Already shown: at once.
    let again = false;
    void afterShown(['a-ready'], 10_000).then(() => { again = true; });
    await vi.advanceTimersByTimeAsync(1);
    expect(again).toBe(true);
  });

  it('gives up waiting after the limit', async () => {
    let resolved = false;
    void afterShown(['never-ready'], 500).then(() => { resolved = true; });
    await vi.advanceTimersByTimeAsync(499);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(true);
  });
});
