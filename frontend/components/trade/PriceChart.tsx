'use client';
import { useEffect, useRef, useState } from 'react';
import type { IChartApi, ISeriesApi, Time, TickMarkType, UTCTimestamp } from 'lightweight-charts';
import { Panel } from '@/components/ui/Panel';
import { StateMessage } from '@/components/ui/StateMessage';
import { useCandles, type CandleSink } from '@/hooks/useCandles';
import { cmp, decimalsOf } from '@/lib/decimal';
import { formatPrice, formatQty } from '@/lib/format';
import { DEFAULT_INTERVAL, isDayOrLonger, isInterval, type Interval } from '@/lib/intervals';
import { FIRST_VIEW, FIRST_VIEW_WAIT_MS, afterShown } from '@/lib/readiness';
import { crosshairLabel, tickMarkLabel } from '@/lib/tickMarks';
import type { Candle, Market } from '@/lib/types';
import { IntervalSwitcher } from './IntervalSwitcher';

const INTERVAL_KEY = 'exchange.interval';

/**
 * The time axis's and the crosshair's labels for candles of `interval`: local time, and dates for
 * day and week candles (lib/tickMarks.ts). Given at creation and again at each change of interval.
 */
function timeOptions(interval: Interval) {
  const dayBars = isDayOrLonger(interval);
  return {
    timeScale: { timeVisible: !dayBars, tickMarkFormatter: (t: Time, type: TickMarkType, locale: string) => tickMarkLabel(t, type, locale, dayBars) },
    localization: { timeFormatter: (t: Time) => crosshairLabel(t, navigator.language, dayBars) },
  };
}

/**
 * Gives the chart's canvases (lightweight-charts draws into seven) their 2D contexts before the
 * library asks for them, as desynchronized (low-latency) canvases: each reaches the screen when
 * the chart draws into it, on its own, instead of with the page's next commit.
 *
 * Why: the browser copies every ordinary canvas into the compositor's memory on every commit of the
 * page that changes anything, drawn into or not (all seven at each redraw of the book, the trades
 * or the ticker). With software compositing each copy goes into shared memory, and when a canvas's
 * spare buffers are all still in use (or were freed: after 5 s unused) the copy needs a fresh one:
 * in 7 traces of the performance test one commit per run (in the burst's first 0.4 s in 6 of
 * them) spent 11-15 ms of main-thread CPU (16-30 ms of wall time) on it, 4.5-5 ms for each of the
 * two large canvases, and it made a late frame in each of the 5 traces that had late frames.
 * Desynchronized canvases are not part of those commits. Not on ChromeOS, which shows them from the front buffer, where a redraw could
 * tear.
 */
function desynchronize(host: HTMLElement, colorSpace: PredefinedColorSpace): void {
  if (/\bCrOS\b/.test(navigator.userAgent)) return;
  for (const canvas of host.querySelectorAll('canvas')) canvas.getContext('2d', { desynchronized: true, colorSpace });
}

/** Candlestick chart with volume (TradingView lightweight-charts), live from `kline@`. */
export function PriceChart({ market }: { market: Market }) {
  const [interval, setChosen] = useState<Interval>(DEFAULT_INTERVAL);
  const [sink, setSink] = useState<CandleSink | null>(null);
  const [status, setStatus] = useState<{ state: 'loading' | 'ready' | 'error'; message?: string }>({ state: 'loading' });
  const [legend, setLegend] = useState<Candle | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const intervalRef = useRef(interval);
  intervalRef.current = interval;

  useEffect(() => {
    const saved = window.localStorage.getItem(INTERVAL_KEY);
    if (saved && isInterval(saved)) setChosen(saved);
  }, []);
  const chooseInterval = (i: Interval) => {
    setChosen(i);
    window.localStorage.setItem(INTERVAL_KEY, i);
  };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let chart: IChartApi | null = null;
    let disposed = false;
    // Loaded apart from the page's first bundle, and only once the book and the trades are on
    // screen: evaluating the chart code and drawing it first would delay them.
    void afterShown(FIRST_VIEW, FIRST_VIEW_WAIT_MS).then(() => (disposed ? null : import('lightweight-charts'))).then((lc) => {
      if (!lc) return;
      if (disposed) return;
      const css = getComputedStyle(document.documentElement);
      const color = (name: string) => css.getPropertyValue(name).trim();
      const up = color('--green'), down = color('--red');
      const time = timeOptions(intervalRef.current);
      chart = lc.createChart(el, {
        autoSize: true,
        layout: { background: { type: lc.ColorType.Solid, color: 'transparent' }, textColor: color('--muted'), fontSize: 11,
          fontFamily: css.getPropertyValue('--font').trim(), attributionLogo: false },
        grid: { vertLines: { color: color('--grid') }, horzLines: { color: color('--grid') } },
        rightPriceScale: { borderColor: color('--border') },
        timeScale: { borderColor: color('--border'), secondsVisible: false, rightOffset: 6, barSpacing: 8, ...time.timeScale },
        localization: time.localization,
        crosshair: { mode: lc.CrosshairMode.Normal },
      });
      const candles: ISeriesApi<'Candlestick'> = chart.addSeries(lc.CandlestickSeries, {
        upColor: up, downColor: down, wickUpColor: up, wickDownColor: down, borderVisible: false,
        priceFormat: { type: 'price', precision: decimalsOf(market.tickSize), minMove: Number(market.tickSize) },
      });
      candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.26 } });
      const volume: ISeriesApi<'Histogram'> = chart.addSeries(lc.HistogramSeries, {
        priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false,
      });
      volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
      desynchronize(el, chart.options().layout.colorSpace);
      chartRef.current = chart;

      const byTime = new Map<number, Candle>();
      let last: Candle | null = null;
      const toBar = (c: Candle) => ({ time: c.time as UTCTimestamp, open: Number(c.open), high: Number(c.high), low: Number(c.low), close: Number(c.close) });
      const toVolume = (c: Candle) => ({ time: c.time as UTCTimestamp, value: Number(c.volume), color: cmp(c.close, c.open) >= 0 ? `${up}66` : `${down}66` });
      const mark = () => {
        // For tests and debugging: what the chart currently shows.
        el.dataset.bars = String(byTime.size);
        el.dataset.lastClose = last?.close ?? '';
        el.dataset.lastTime = last ? String(last.time) : '';
      };
      chart.subscribeCrosshairMove((p) => {
        const hovered = typeof p.time === 'number' ? byTime.get(p.time) : undefined;
        setLegend(hovered ?? last);
      });
      setSink({
        reset(list) {
          byTime.clear();
          for (const c of list) byTime.set(c.time, c);
          last = list[list.length - 1] ?? null;
          candles.setData(list.map(toBar));
          volume.setData(list.map(toVolume));
          setLegend(last);
          mark();
        },
        update(c) {
          byTime.set(c.time, c);
          last = c;
          candles.update(toBar(c));
          volume.update(toVolume(c));
          setLegend(c);
          mark();
        },
        status: (state, message) => setStatus({ state, message }),
      });
    });
    return () => {
      disposed = true;
      setSink(null);
      chartRef.current = null;
      chart?.remove();
    };
  }, [market.tickSize]);

  useEffect(() => {
    chartRef.current?.applyOptions(timeOptions(interval));
  }, [interval, sink]);

  useCandles(market.symbol, interval, sink);

  return (
    <Panel className="area-chart chart-panel" testId="chart-panel"
      title={<IntervalSwitcher value={interval} onChange={chooseInterval} />}>
      <div className="chart-wrap">
        <div className="chart-host" ref={host} data-testid="chart" data-interval={interval} data-state={status.state} />
        {legend ? <ChartLegend candle={legend} market={market} /> : null}
        {status.state === 'loading' ? <div className="chart-overlay"><StateMessage kind="loading">Loading chart…</StateMessage></div> : null}
        {status.state === 'error' ? <div className="chart-overlay"><StateMessage kind="error">{status.message}</StateMessage></div> : null}
        {status.state === 'ready' && legend === null ? <div className="chart-overlay"><StateMessage kind="empty">No trades in this range yet</StateMessage></div> : null}
      </div>
    </Panel>
  );
}

function ChartLegend({ candle: c, market }: { candle: Candle; market: Market }) {
  const p = (v: string) => formatPrice(v, market.tickSize);
  const cls = cmp(c.close, c.open) >= 0 ? 'up' : 'down';
  return (
    <div className="chart-legend">
      <span>O <b className={cls}>{p(c.open)}</b></span>
      <span>H <b className={cls}>{p(c.high)}</b></span>
      <span>L <b className={cls}>{p(c.low)}</b></span>
      <span>C <b className={cls}>{p(c.close)}</b></span>
      <span>V <b className={cls}>{formatQty(c.volume, market.stepSize)}</b></span>
    </div>
  );
}
