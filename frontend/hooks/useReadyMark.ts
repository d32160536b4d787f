'use client';
import { useEffect } from 'react';
import { markShown } from '@/lib/readiness';

/**
 * Marks `name` as shown (lib/readiness.ts) in the first commit in which `shown` is true: the
 * moment the data is in the page's DOM, not when it arrived. With `elementtiming` attributes (see
 * OrderBook, RecentTrades) the browser also reports when those rows were painted.
 */
export function useReadyMark(name: string, shown: boolean): void {
  useEffect(() => {
    if (shown) markShown(name);
  }, [name, shown]);
}
