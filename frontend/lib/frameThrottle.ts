/**
 * Runs `fn` on an animation frame after `schedule()`, at most once per frame and at most once per
 * `minIntervalMs` slot. Streams that change hundreds of times per second are drawn at a steady
 * rate instead of once per event.
 *
 * Slots are multiples of `minIntervalMs` on the page's clock (performance.now()), shared by every
 * throttle: the book and the trades (100 ms), the ticker and the chart (200 ms) all redraw in the
 * same frames, so a busy market costs the browser ten painted frames a second rather than one for
 * each stream at its own phase. A stream quiet for a slot or more is drawn on the next frame.
 */
export interface FrameThrottle {
  schedule(): void;
  cancel(): void;
}

export function frameThrottle(fn: () => void, minIntervalMs = 0, now: () => number = () => performance.now()): FrameThrottle {
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSlot = -Infinity;
  const slotOf = (t: number) => (minIntervalMs > 0 ? Math.floor(t / minIntervalMs) : t);
  const run = () => {
    timer = null;
    frame = requestAnimationFrame(() => {
      frame = null;
      lastSlot = slotOf(now());
      fn();
    });
  };
  return {
    schedule() {
      if (frame !== null || timer !== null) return;
      // Already drawn in this slot: wait for the next one.
      const wait = slotOf(now()) <= lastSlot ? (lastSlot + 1) * minIntervalMs - now() : 0;
      if (wait > 1) timer = setTimeout(run, wait);
      else run();
    },
    cancel() {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      frame = timer = null;
    },
  };
}
