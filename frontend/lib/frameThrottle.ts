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
/** The next frame belongs to work a redraw left for it (the chart paints on the frame after its update). */
let holdNextFrame = false;

function runOne(): void {
  frameRequested = false;
  if (holdNextFrame) holdNextFrame = false;
  else due.shift()?.();
  requestFrame();
}

function requestFrame(): void {
  if (frameRequested || due.length === 0) return;
  frameRequested = true;
  requestAnimationFrame(runOne);
}

export interface FrameThrottleOptions {
  /** Run the first time at once (default), or like every later time, on a frame. */
  firstAtOnce?: boolean;
  /** Keep the frame after each run free of the other redraws. */
  holdNextFrame?: boolean;
}

export function frameThrottle(fn: () => void, minIntervalMs = 0, now: () => number = () => performance.now(),
  options: FrameThrottleOptions = {}): FrameThrottle {
  let queued = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = options.firstAtOnce === false ? now() - minIntervalMs : -Infinity;
  const job = () => {
    queued = false;
    last = now();
    if (options.holdNextFrame) holdNextFrame = true;
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

/**
 * Throttles that share their redraws: members scheduled within one interval run together, on one
 * animation frame. The book and the trades change together (a trade moves both), and React
 * commits their updates from one frame as one: one pass of style, layout, paint, layerisation,
 * commit, raster and display for both. Drawn on alternate frames, each paid that whole pipeline
 * itself, 20 times a second, and on this page the pipeline costs more than either redraw's script.
 * A member's first run (its data just loaded) is still at once.
 */
export function frameGroup(minIntervalMs: number, now: () => number = () => performance.now()): { member(fn: () => void): FrameThrottle } {
  const dirty = new Set<() => void>();
  const shared = frameThrottle(() => {
    const fns = [...dirty];
    dirty.clear();
    for (const f of fns) f();
  }, minIntervalMs, now, { firstAtOnce: false });
  return {
    member(fn) {
      let ran = false;
      return {
        schedule() {
          if (!ran) {
            ran = true;
            fn();
            return;
          }
          dirty.add(fn);
          shared.schedule();
        },
        cancel() {
          dirty.delete(fn);
          if (dirty.size === 0) shared.cancel();
        },
      };
    },
  };
}
