/**
 * Performance of the trading page against the real exchange, measured in the browser:
 * - first load of the trade view (navigation start until the book and the trades rows are painted
 *   with the exchange's data, from a cold cache, several times),
 * - the size of the exported JavaScript,
 * - frame times (requestAnimationFrame, long animation frames) while the test drives 200 orders/s
 *   into the market, and that the page's book and trades still match the exchange exactly
 *   afterwards.
 * The figures are written as one line of name=value pairs to test-artifacts/perf.txt.
 *
 * Timing targets are reported with the machine's load, and asserted only with PERF_STRICT=1
 * (performance is measured, not asserted by timed tests in CI). Correctness under load (every
 * order accepted, the page's book and trades equal to the exchange's) is always asserted.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import {
  OUT_DIR, ensureArtifacts, freePort, launchBrowser, norm, openPage, orderSender, rest, sleep, startExchange, stopExchange,
  unobservedPage, waitFor,
} from './harness.mjs';

const M = 'TATA_INR';
const RATE = Number(process.env.PERF_RATE ?? 200);          // orders per second
const SECONDS = Number(process.env.PERF_SECONDS ?? 6);
const LOAD_RUNS = Number(process.env.PERF_LOAD_RUNS ?? 5);    // fresh-cache loads of the trade view
const FIRST_LOAD_TARGET_MS = 1000;
const artifacts = ensureArtifacts();
const loadAtStart = os.loadavg()[0];
// Performance is measured and reported, not asserted by default (a shared 2-core CI
// machine cannot promise frame times); PERF_STRICT=1 turns the targets into assertions.
const enforce = process.env.PERF_STRICT === '1';
const figures = { machine_load: Math.round(loadAtStart * 100) / 100, targets: enforce ? 'enforced' : 'reported' };
const missed = [];

/** A timing target: an assertion on a quiet machine, a reported miss on a busy one. */
function target(t, ok, message) {
  if (ok) return;
  if (enforce) assert.fail(message);
  missed.push(message);
  t.diagnostic(`target missed on a busy machine (load ${loadAtStart.toFixed(2)}): ${message}`);
}

let ex, api, browser, debuggingPort;

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

/**
 * In the page: when the first rows of the book (best bid and ask) and of the trades were painted
 * (Element Timing: the `elementtiming` attributes of OrderBook and RecentTrades), the page's own
 * marks (rows in the DOM, chart drawn) and the navigation's events, all in ms from navigation
 * start. Observers with buffered entries rather than polling: a polling loop would itself cost
 * the page frames while it loads.
 */
function firstLoad(timeoutMs) {
  return new Promise((resolve, reject) => {
    const painted = {};
    const marks = {};
    const check = () => {
      const nav = performance.getEntriesByType('navigation')[0];
      if (!(painted['book-bid'] && painted['book-ask'] && painted.trades && marks['book-ready'] && marks['trades-ready']
        && marks['chart-ready'] && nav?.loadEventEnd > 0)) return false;
      clearInterval(timer);
      resolve({
        bookBid: painted['book-bid'], bookAsk: painted['book-ask'], trades: painted.trades,
        bookReady: marks['book-ready'], tradesReady: marks['trades-ready'], chart: marks['chart-ready'],
        dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
      });
      return true;
    };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) painted[e.identifier] ??= e.renderTime || e.startTime;
      check();
    }).observe({ type: 'element', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) marks[e.name] ??= e.startTime;
      check();
    }).observe({ type: 'mark', buffered: true });
    // The load event's end is no performance entry: looked at now and then.
    const started = performance.now();
    const timer = setInterval(() => {
      if (check()) return;
      if (performance.now() - started < timeoutMs) return;
      clearInterval(timer);
      reject(new Error(`first load incomplete after ${timeoutMs} ms: ${JSON.stringify({ painted, marks })}`));
    }, 100);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const readProc = (p) => { try { return readFileSync(p, 'utf8'); } catch { return null; } };

/** [CPU time, run-queue wait] of one thread in ns (Linux: /proc/<pid>/task/<tid>/schedstat), or null. */
function schedstat(pid, tid) {
  const s = readProc(`/proc/${pid}/task/${tid}/schedstat`);
  if (!s) return null;
  const [cpu, wait] = s.split(' ').map(Number);
  return Number.isFinite(cpu) && Number.isFinite(wait) ? [cpu, wait] : null;
}

/**
 * Whether the page's threads had a core while it was measured, read before and after the burst
 * (no sampling, nothing added to the measured load): for each renderer process of the browser,
 * the CPU time and the run-queue wait (time ready to run without a core) of its main and
 * compositor threads; and the machine's busy and idle time (/proc/stat, all cores, in USER_HZ
 * ticks of 10 ms). Missing (n/a in the figures) where /proc cannot be read.
 */
async function schedSnapshot(cdp) {
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  const renderers = new Map();
  for (const { type, id } of processInfo) {
    if (type !== 'renderer') continue;
    let tasks = [];
    try { tasks = readdirSync(`/proc/${id}/task`); } catch { continue; }
    const compositor = tasks.find((t) => readProc(`/proc/${id}/task/${t}/comm`)?.trim() === 'Compositor');
    renderers.set(id, { main: schedstat(id, id), compositor: compositor ? schedstat(id, compositor) : null });
  }
  const f = readProc('/proc/stat')?.split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const machine = f?.length === 8 ? { idle: (f[3] + f[4]) * 10, all: f.reduce((a, b) => a + b, 0) * 10 } : null;
  return { renderers, machine };
}

/** Seeded pseudo-random numbers, so every run sends the same orders. */
function random(seed) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('performance', { timeout: 300_000 }, () => {
  before(async () => {
    ex = await startExchange();
    api = rest(ex.baseUrl);
    await api.placeOrder({ market: M, side: 'sell', price: '1000.00', quantity: '1', userId: '1' });
    await api.placeOrder({ market: M, side: 'buy', price: '1000.00', quantity: '1', userId: '2' });
    for (let i = 1; i <= 25; i++) {
      await api.placeOrder({ market: M, side: 'sell', price: (1000 + i * 0.25).toFixed(2), quantity: '50', userId: '1' });
      await api.placeOrder({ market: M, side: 'buy', price: (1000 - i * 0.25).toFixed(2), quantity: '50', userId: '2' });
    }
    debuggingPort = await freePort();
    browser = await launchBrowser({ debuggingPort });
  });

  after(async () => {
    await browser?.close();
    if (ex) await stopExchange(ex, { removeData: true });
    figures.targets_missed = missed.length;
    const line = Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ');
    writeFileSync(path.join(artifacts, 'perf.txt'), `${line}\n`);
    console.log(line);
  });

  it('reports the size of the exported JavaScript', () => {
    const files = jsFiles(path.join(OUT_DIR, '_next', 'static'));
    const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
    const gzip = files.reduce((s, f) => s + gzipSync(readFileSync(f)).length, 0);
    // What the trade page loads up front (its <script> tags, module browsers only).
    const html = readFileSync(path.join(OUT_DIR, 'trade', `${M}.html`), 'utf8');
    const initial = [...html.matchAll(/<script src="([^"]+\.js)"(?![^>]*noModule)/g)].map((m) => path.join(OUT_DIR, m[1]));
    figures.bundle_js_kb = round(bytes / 1024);
    figures.bundle_js_gzip_kb = round(gzip / 1024);
    figures.initial_js_kb = round(initial.reduce((s, f) => s + statSync(f).size, 0) / 1024);
    assert.ok(files.length > 0);
  });

  it('loads the trade view fast', async (t) => {
    const runs = [];
    for (let i = 0; i < LOAD_RUNS; i++) {
      const page = await openPage(browser);                  // a fresh context: cold cache
      await page.goto(`${ex.baseUrl}/trade/${M}`);
      runs.push(await page.evaluate(firstLoad, 15_000));
      await page.context().close();
    }
    // Per run, first load ends when the book (both sides) and the trades have been painted with
    // the exchange's data, and not before the load event.
    for (const r of runs) r.first = Math.max(r.bookBid, r.bookAsk, r.trades, r.load);
    const median = (k) => round(percentile(runs.map((r) => r[k]).sort((a, b) => a - b), 50), 0);
    const range = (k) => { const v = runs.map((r) => r[k]).sort((a, b) => a - b); return `${round(v[0], 0)}-${round(v[v.length - 1], 0)}`; };
    figures.load_runs = runs.length;
    figures.first_load_ms = median('first');
    figures.first_load_range_ms = range('first');
    figures.dom_content_loaded_ms = median('dcl');
    figures.load_event_ms = median('load');
    figures.book_ready_ms = median('bookReady');
    figures.book_painted_ms = median('bookBid');
    figures.trades_ready_ms = median('tradesReady');
    figures.trades_painted_ms = median('trades');
    figures.chart_ready_ms = median('chart');
    target(t, figures.first_load_ms < FIRST_LOAD_TARGET_MS, `first load ${figures.first_load_ms} ms (target < ${FIRST_LOAD_TARGET_MS} ms)`);
  });

  it(`keeps up with ${RATE} orders/s without dropping frames`, async (t) => {
    // Measured in a page the test only looks at through a plain DevTools connection (harness.mjs:
    // unobservedPage): a playwright page would have the browser forward every WebSocket frame of
    // the page's socket worker to the test, about 700 a second, on the same two cores.
    const page = await unobservedPage(debuggingPort);
    t.after(() => page.close());
    // The WebSocket frames the page receives, counted by the exchange (the page is its only
    // WebSocket client by now).
    const wsMessages = async () => {
      const text = await (await fetch(`${ex.baseUrl}/metrics`)).text();
      const m = /^exchange_ws_frames_sent_total (\d+)/m.exec(text);
      assert.ok(m, 'exchange_ws_frames_sent_total in /metrics');
      return Number(m[1]);
    };
    await page.goto(`${ex.baseUrl}/trade/${M}`);
    await page.waitForSelector('[data-testid=book-bid]');
    await waitFor(() => page.evaluate(() => document.querySelector('[data-testid=connection]')?.getAttribute('data-state') === 'live'),
      { message: 'live' });
    await sleep(1000);

    await page.evaluate(() => {
      const w = window;
      w.__frames = [];
      w.__longTasks = [];
      w.__loaf = [];
      w.__stopFrames = false;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
      // Long animation frames (over 50 ms from the frame's start to its paint), with the scripts
      // that ran in them: what a dropped frame was spent on.
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          w.__loaf.push({ duration: e.duration, scripts: (e.scripts ?? []).map((x) => ({ what: `${x.invoker || x.name}@${(x.sourceURL || '').split('/').pop()}`, ms: x.duration })) });
        }
      }).observe({ type: 'long-animation-frame' });
      let last = performance.now();
      const tick = (t) => {
        w.__frames.push(t - last);
        last = t;
        if (!w.__stopFrames) requestAnimationFrame(tick);
      };
      requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
    });

    // Drive RATE orders/s for SECONDS: limit orders around 1000 from two users, about half of
    // them crossing (trades, fills, candles) and the rest resting (depth changes).
    const rand = random(7);
    const total = RATE * SECONDS;
    const started = Date.now();
    const inFlight = new Set();
    let failed = 0;
    const eventsBefore = await wsMessages();
    // CPU time the page's main thread spends (thread ticks: unaffected by other processes).
    await page.send('Performance.enable', { timeDomain: 'threadTicks' });
    const cpu = async () => Object.fromEntries((await page.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const cpuBefore = await cpu();
    const cdp = await browser.newBrowserCDPSession();
    const schedBefore = await schedSnapshot(cdp);
    // Every 10 ms, send the orders that are due: a steady rate without one timer per order.
    const orders = orderSender(ex.baseUrl);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      while (Date.now() < due) await sleep(10);
      const side = rand() < 0.5 ? 'buy' : 'sell';
      const offset = Math.floor(rand() * 400) - 200;            // +-2.00 around 1000
      const price = (100_000 + offset) / 100;
      const o = { market: M, side, price: price.toFixed(2), quantity: (0.01 + Math.floor(rand() * 20) / 100).toFixed(2), userId: side === 'buy' ? '2' : '1' };
      const p = orders.send(o).then((status) => { if (status >= 300) failed++; }, () => { failed++; }).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    orders.close();
    const elapsed = (Date.now() - started) / 1000;
    await sleep(500);
    const eventsDuring = (await wsMessages()) - eventsBefore;
    const cpuAfter = await cpu();
    const schedAfter = await schedSnapshot(cdp);
    await cdp.detach();
    const cpuPct = (name) => round((100 * (cpuAfter[name] - cpuBefore[name])) / (elapsed + 0.5));
    const { frames, longTasks, loaf } = await page.evaluate(() => {
      window.__stopFrames = true;
      return { frames: window.__frames, longTasks: window.__longTasks, loaf: window.__loaf };
    });

    const sorted = [...frames].sort((a, b) => a - b);
    const frameMs = 1000 / 60;
    const dropped = frames.reduce((s, d) => s + Math.max(0, Math.round(d / frameMs) - 1), 0);
    const measured = frames.reduce((s, d) => s + d, 0) / 1000;
    figures.orders_sent = total;
    figures.orders_failed = failed;
    figures.orders_per_s = round(total / elapsed);
    figures.ws_events_per_s = round(eventsDuring / elapsed);
    figures.fps = round(frames.length / measured);
    figures.frame_p50_ms = round(percentile(sorted, 50));
    figures.frame_p95_ms = round(percentile(sorted, 95));
    figures.frame_p99_ms = round(percentile(sorted, 99));
    figures.frame_max_ms = round(sorted[sorted.length - 1] ?? 0);
    figures.dropped_frames = dropped;
    figures.dropped_pct = round((100 * dropped) / (frames.length + dropped), 2);
    figures.long_tasks = longTasks.length;
    figures.long_animation_frames = loaf.length;
    // The scripts that took the most time in those frames (name@file:ms), for the next look.
    const byScript = new Map();
    for (const f of loaf) for (const x of f.scripts) byScript.set(x.what, (byScript.get(x.what) ?? 0) + x.ms);
    figures.loaf_scripts = [...byScript].sort((a, b) => b[1] - a[1]).slice(0, 3)
      .map(([what, ms]) => `${what.replace(/[\s=]+/g, '_')}:${Math.round(ms)}`).join(',') || 'none';
    figures.main_thread_cpu_pct = cpuPct('ThreadTime');
    figures.script_cpu_pct = cpuPct('ScriptDuration');
    figures.layout_style_cpu_pct = round(cpuPct('LayoutDuration') + cpuPct('RecalcStyleDuration'));
    // Time the page's threads were ready to run but had no core, and how idle the machine was:
    // late frames with long waits and no idle time are frames the page did not get the CPU for.
    // The page's renderer is the one whose main thread worked most during the burst.
    const delta = (a, b, i) => (a && b ? (b[i] - a[i]) / 1e6 : null);
    const renderer = [...schedAfter.renderers].map(([pid, after]) => ({ after, before: schedBefore.renderers.get(pid) }))
      .filter((r) => r.before && delta(r.before.main, r.after.main, 0) !== null)
      .sort((x, y) => delta(y.before.main, y.after.main, 0) - delta(x.before.main, x.after.main, 0))[0];
    const ms = (v) => (v === null || v === undefined ? 'n/a' : Math.round(v));
    figures.page_main_wait_ms = ms(renderer && delta(renderer.before.main, renderer.after.main, 1));
    figures.page_compositor_wait_ms = ms(renderer && delta(renderer.before.compositor, renderer.after.compositor, 1));
    const { machine: m0 } = schedBefore, { machine: m1 } = schedAfter;
    figures.machine_idle_pct = m0 && m1 && m1.all > m0.all ? round((100 * (m1.idle - m0.idle)) / (m1.all - m0.all)) : 'n/a';

    assert.equal(failed, 0, 'every order accepted');
    target(t, figures.orders_per_s >= RATE * 0.9, `drove ${figures.orders_per_s} orders/s (wanted ${RATE})`);

    // Afterwards the page's book and trades are exactly the exchange's.
    const depth = await api.depth(M, 12);
    const view = (side) => page.evaluate((s) => [...document.querySelectorAll(`[data-testid=book-${s}]`)]
      .map((e) => [e.dataset.price, e.querySelector('.book-qty').textContent]), side);
    const same = (ui, levels) => JSON.stringify(ui.map(([p, q]) => [norm(p), norm(q)])) === JSON.stringify(levels.map(([p, q]) => [norm(p), norm(q)]));
    await waitFor(async () => same(await view('bid'), depth.bids.slice(0, 12)) && same((await view('ask')).reverse(), depth.asks.slice(0, 12)),
      { timeout: 5000, message: 'the page book to equal the exchange depth' });
    // The trades reach the page apart from the book: equal to the exchange's in their own time.
    const trades = await api.trades(M, 20);
    const tradeIds = (list) => list.map((t) => String(t.t ?? t.id ?? t.tradeId));
    const uiTrades = () => page.evaluate(() => [...document.querySelectorAll('[data-testid=trade-row]')].map((e) => [e.dataset.price, e.dataset.qty]));
    await waitFor(async () => {
      assert.deepEqual((await uiTrades()).slice(0, 20).map(([p, q]) => [norm(p), norm(q)]), trades.slice(0, 20).map((t) => [norm(t.p ?? t.price), norm(t.q ?? t.qty ?? t.quantity)]),
        `recent trades ${tradeIds(trades).slice(0, 3)}...`);
      return true;
    }, { timeout: 5000, message: 'the page trades to equal the exchange trades' });
    await page.screenshot(path.join(artifacts, 'trade-under-load.png'));

    target(t, figures.frame_p95_ms <= 2.5 * frameMs, `95% of frames within ${round(2.5 * frameMs)} ms (p95 ${figures.frame_p95_ms} ms)`);
    target(t, figures.dropped_frames === 0, `dropped ${figures.dropped_frames} frames, ${figures.dropped_pct}% (target: none)`);
  });
});
