'use client';
import { useEffect, useMemo, useState } from 'react';
import { frameThrottle } from '@/lib/frameThrottle';

/**
 * A counter that `bump()` increments on an animation frame, at most every `minIntervalMs`:
 * components showing fast streams (book, trades) re-render at a steady rate a person can read.
 */
export function useFrameVersion(minIntervalMs = 0): [version: number, bump: () => void] {
  const [version, setVersion] = useState(0);
  const throttle = useMemo(() => frameThrottle(() => setVersion((v) => v + 1), minIntervalMs), [minIntervalMs]);
  useEffect(() => () => throttle.cancel(), [throttle]);
  return [version, throttle.schedule];
}
