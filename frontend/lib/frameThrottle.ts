/**
 * Runs `fn` on an animation frame after `schedule()`, at most once per `minIntervalMs` (the first
 * time at once). Streams that change hundreds of times per second are drawn at a steady rate
 * instead of once per event.
 *
 * The throttles of the page also share the frames between them: at most one of them runs per
 * frame (the others wait for the next ones, a few milliseconds), so the book, the trades, the
 * ticker and the chart never all redraw in the same frame. Each redraw costs the main thread a
 * few milliseconds of rendering; together, in one frame, they took longer than a frame lasts.
 */
export interface FrameThrottle {
  schedule(): void;
  cancel(): void;
}

/** Redraws due, oldest first; one is run per animation frame. */
const due: (() => void)[] = [];
let frameRequested = false;

function runOne(): void {
  frameRequested = false;
  due.shift()?.();
  requestFrame();
}

function requestFrame(): void {
  if (frameRequested || due.length === 0) return;
  frameRequested = true;
  requestAnimationFrame(runOne);
}

export function frameThrottle(fn: () => void, minIntervalMs = 0, now: () => number = () => performance.now()): FrameThrottle {
  let queued = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  const job = () => {
    queued = false;
    last = now();
    fn();
  };
  const enqueue = () => {
    timer = null;
    queued = true;
    due.push(job);
    requestFrame();
  };
  return {
    schedule() {
      if (queued || timer !== null) return;
      // The first redraw (data just loaded) is not held back: nothing is on screen yet.
      if (last === -Infinity) {
        job();
        return;
      }
      const wait = last + minIntervalMs - now();
      if (wait > 1) timer = setTimeout(enqueue, wait);
      else enqueue();
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (queued) {
        const at = due.indexOf(job);
        if (at >= 0) due.splice(at, 1);
        queued = false;
      }
    },
  };
}
