'use client';
import { useEffect, useMemo, useState } from 'react';
import { frameGroup } from '@/lib/frameThrottle';

/** One group per interval: streams redrawn at the same rate are redrawn together. */
const groups = new Map<number, ReturnType<typeof frameGroup>>();
const groupOf = (ms: number) => {
  let g = groups.get(ms);
  if (!g) groups.set(ms, (g = frameGroup(ms)));
  return g;
};

/**
 * A counter that `bump()` increments on an animation frame, at most every `minIntervalMs`:
 * components showing fast streams (book, trades) re-render at a steady rate a person can read,
 * and those with the same rate re-render together, in one commit (lib/frameThrottle.ts: frameGroup).
 */
export function useFrameVersion(minIntervalMs = 0): [version: number, bump: () => void] {
  const [version, setVersion] = useState(0);
  const throttle = useMemo(() => groupOf(minIntervalMs).member(() => setVersion((v) => v + 1)), [minIntervalMs]);
  useEffect(() => () => throttle.cancel(), [throttle]);
  return [version, throttle.schedule];
}
