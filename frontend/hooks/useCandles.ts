'use client';
import { useEffect } from 'react';
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

/**
 * Feeds a chart with one market's candles of one interval: history from `/klines` whenever the
 * `kline@` stream (re)starts, then live candles, redrawn at most every REDRAW_MS.
 */
export function useCandles(market: string, interval: Interval, sink: CandleSink | null): void {
  useEffect(() => {
    if (!sink) return;
    let alive = true;
    let loaded = false;
    let lastTime = -Infinity;
    let generation = 0;
    const pending = new Map<number, Candle>();

    const flush = () => {
      if (!loaded) return;
      for (const time of [...pending.keys()].sort((a, b) => a - b)) {
        const c = pending.get(time) as Candle;
        if (c.time >= lastTime) {
          sink.update(c);
          lastTime = c.time;
        }
      }
      pending.clear();
    };
    // On a frame of its own, and the next one too: the chart paints on the frame after an update.
    const redraw = frameThrottle(flush, REDRAW_MS, undefined, { firstAtOnce: false, holdNextFrame: true });

    const load = async () => {
      const gen = ++generation;
      const secs = intervalSeconds(interval);
      const now = Math.floor(Date.now() / 1000);
      try {
        const history = await api.klines(market, interval, now - HISTORY_BARS * secs, now + secs);
        if (!alive || gen !== generation) return;
        history.sort((a, b) => a.time - b.time);
        sink.reset(history);
        lastTime = history.length > 0 ? (history[history.length - 1] as Candle).time : -Infinity;
        loaded = true;
        sink.status('ready');
        performance.mark('chart-ready');
        flush();
      } catch (e) {
        if (alive && gen === generation) sink.status('error', errorText(e));
      }
    };

    sink.status('loading');
    sink.reset([]);
    const unsubscribe = getSocket().klines(market, interval, {
      onEvent: (c) => {
        pending.set(c.time, c);
        redraw.schedule();
      },
      onActive: () => void load(),
    });
    void load();
    return () => {
      alive = false;
      unsubscribe();
      redraw.cancel();
    };
  }, [market, interval, sink]);
}
