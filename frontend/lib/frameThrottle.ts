/**
 * Runs `fn` on an animation frame after `schedule()`, at most once per frame and no more often
 * than every `minIntervalMs`. Streams that change hundreds of times per second are drawn at a
 * steady rate instead of once per event.
 */
export interface FrameThrottle {
  schedule(): void;
  cancel(): void;
}

export function frameThrottle(fn: () => void, minIntervalMs = 0): FrameThrottle {
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  const run = () => {
    timer = null;
    frame = requestAnimationFrame(() => {
      frame = null;
      last = performance.now();
      fn();
    });
  };
  return {
    schedule() {
      if (frame !== null || timer !== null) return;
      const wait = last + minIntervalMs - performance.now();
      if (wait > 4) timer = setTimeout(run, wait);
      else run();
    },
    cancel() {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      frame = timer = null;
    },
  };
}
