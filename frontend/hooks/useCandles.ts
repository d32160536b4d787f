'use client';
import { useCallback, useEffect, useRef } from 'react';
import { api, errorText } from '@/lib/api';
import { frameThrottle } from '@/lib/frameThrottle';
import { intervalSeconds, type Interval } from '@/lib/intervals';
import type { Candle } from '@/lib/types';
import { getSocket } from '@/lib/ws';

/** Candles shown before the live ones. */
const HISTORY_BARS = 500;
/**
 * Redraw the chart at most this often. Every redraw repaints the whole chart (candles, both axes
 * and their labels): at 200 orders/s that was the page's largest piece of main-thread work and
 * the frame most likely to be late, at 5 redraws a second. Once a second is the cadence of the
 * usual exchange kline feeds; the last price itself (ticker, book) still moves several times a
 * second.
 */
const REDRAW_MS = 1000;

export interface CandleSink {
  /** Replaces everything (history loaded: oldest first). */
  reset(candles: Candle[]): void;
  /** The current candle changed, or a new one started (never older than the last one). */
  update(candle: Candle): void;
  /** Loading state for the placeholder. */
  status(state: 'loading' | 'ready' | 'error', message?: string): void;
}

interface CandleFeed {
  /** The chart to feed from now on (null: none, e.g. while its code loads). */
  attach(sink: CandleSink | null): void;
  close(): void;
}

/**
 * One market's candles of one interval: history from `/klines` whenever the `kline@` stream
 * (re)starts, then live candles, kept whether or not a chart is attached yet and handed to the
 * chart redrawn at most every REDRAW_MS.
 */
function candleFeed(market: string, interval: Interval): CandleFeed {
  let sink: CandleSink | null = null;
  let alive = true;
  /** Everything loaded and applied so far (oldest first), for a chart attached later; null before the first history. */
  let shown: Candle[] | null = null;
  let error: string | null = null;
  let generation = 0;
  let appliedGeneration = 0;
  const pending = new Map<number, Candle>();

  const lastTime = () => (shown && shown.length > 0 ? (shown[shown.length - 1] as Candle).time : -Infinity);
  const flush = () => {
    if (!shown || !sink) return;
    for (const time of [...pending.keys()].sort((a, b) => a - b)) {
      const c = pending.get(time) as Candle;
      if (c.time < lastTime()) continue;
      if (c.time === lastTime()) shown[shown.length - 1] = c;
      else shown.push(c);
      sink.update(c);
    }
    pending.clear();
  };
  // On a frame of its own, and the next one too: the chart paints on the frame after an update.
  const redraw = frameThrottle(flush, REDRAW_MS, undefined, { firstAtOnce: false, holdNextFrame: true });

  const show = () => {
    if (!sink) return;
    if (shown) {
      sink.reset(shown);
      sink.status('ready');
      performance.mark('chart-ready');
      flush();
    } else if (error !== null) {
      sink.status('error', error);
    } else {
      sink.status('loading');
      sink.reset([]);
    }
  };

  const load = async () => {
    const gen = ++generation;
    const secs = intervalSeconds(interval);
    const now = Math.floor(Date.now() / 1000);
    try {
      const history = await api.klines(market, interval, now - HISTORY_BARS * secs, now + secs);
      // A load started later and already answered has the newer history; an earlier one that
      // answers first is shown meanwhile (the chart need not wait for the stream to start).
      if (!alive || gen < appliedGeneration) return;
      appliedGeneration = gen;
      history.sort((a, b) => a.time - b.time);
      shown = history;
      error = null;
      show();
    } catch (e) {
      if (!alive || gen < generation) return;
      error = errorText(e);
      sink?.status('error', error);
    }
  };

  const unsubscribe = getSocket().klines(market, interval, {
    onEvent: (c) => {
      pending.set(c.time, c);
      if (shown && sink) redraw.schedule();
    },
    onActive: () => void load(),
  });
  void load();
  return {
    attach(next) {
      sink = next;
      show();
    },
    close() {
      alive = false;
      unsubscribe();
      redraw.cancel();
    },
  };
}

/**
 * Feeds charts with one market's candles of one interval (`null`: not known yet); returns the
 * function a chart hands itself to (null when it goes). The history request and the stream start
 * at once, not when the chart exists: the chart's code is loaded after the book and trades are
 * painted, and its candles are then ready for it instead of being asked for only then (and asked
 * for again when the stream became active). The chart is attached by a call, not a prop, so that
 * it gets its candles in the same task that created it rather than after another render.
 */
export function useCandles(market: string, interval: Interval | null): (sink: CandleSink | null) => void {
  const feed = useRef<CandleFeed | null>(null);
  const sink = useRef<CandleSink | null>(null);
  useEffect(() => {
    if (!interval) return;
    const f = candleFeed(market, interval);
    feed.current = f;
    f.attach(sink.current);
    return () => {
      f.close();
      if (feed.current === f) feed.current = null;
    };
  }, [market, interval]);
  return useCallback((next: CandleSink | null) => {
    sink.current = next;
    feed.current?.attach(next);
  }, []);
}
