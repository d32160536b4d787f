/**
 * What the trade view has shown so far, for work that should wait until it has: the order book
 * and the recent trades come first on a fresh load, and the chart code (~190 KB) and the account's
 * requests start right after they are painted instead of competing with them for the main thread.
 * Each step is also a `performance.mark` of the same name, for measurements.
 */

/** What the trade view shows first on a fresh load (OrderBook, RecentTrades mark them). */
export const FIRST_VIEW = ['book-ready', 'trades-ready'] as const;
/** The longest anything waits for FIRST_VIEW. */
export const FIRST_VIEW_WAIT_MS = 2000;

const shown = new Set<string>();
const waiters = new Set<() => void>();

export function markShown(name: string): void {
  if (shown.has(name)) return;
  shown.add(name);
  if (typeof performance !== 'undefined') performance.mark(name);
  for (const w of [...waiters]) w();
}

/**
 * Resolves once every one of `names` has been shown and the browser has had a frame to paint
 * them, or after `maxWaitMs` whatever happened (a failed load must not hold the rest back).
 */
export function afterShown(names: readonly string[], maxWaitMs: number): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      waiters.delete(check);
      clearTimeout(timer);
      resolve();
    };
    const check = () => {
      if (!names.every((n) => shown.has(n))) return;
      waiters.delete(check);
      // The marks are set right after React's commit: let that commit be painted first.
      if (typeof requestAnimationFrame === 'undefined') finish();
      else requestAnimationFrame(() => setTimeout(finish, 0));
    };
    const timer = setTimeout(finish, maxWaitMs);
    waiters.add(check);
    check();
  });
}
