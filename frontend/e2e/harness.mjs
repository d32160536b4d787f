/**
 * Shared pieces of the browser tests: starting and stopping the real exchange binary on free
 * ports, a tiny REST client for driving it, and headless Chromium through playwright-core.
 *
 * EXCHANGE_BIN (default ../build/exchange) is the binary; CHROMIUM (default /usr/bin/chromium)
 * the browser. The page under test is frontend/out, served by the exchange itself.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

export const FRONTEND = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(FRONTEND, 'out');
export const ARTIFACTS = path.join(FRONTEND, 'test-artifacts');
export const EXCHANGE_BIN = path.resolve(FRONTEND, process.env.EXCHANGE_BIN ?? '../build/exchange');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Headless Chromium (156) builds the address bar's popups (two WebUI pages, each in its own
// renderer) for every new browser context, i.e. during each fresh-cache page load of the tests:
// browser UI a person's already open window does not rebuild, competing for a 2-core machine's
// CPU with the page being measured. Chromium merges this list with playwright's own.
const CHROMIUM_DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup', 'PreloadTopChromeWebUI'];

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--disable-features=${CHROMIUM_DISABLED_FEATURES.join(',')}`];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (returned), or throws after `timeout` ms. */
export async function waitFor(fn, { timeout = 10_000, interval = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}${lastError ? `: ${lastError.message}` : ''}`);
    await sleep(interval);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Canonical decimal text ("1005.00" -> "1005"), to compare what the page and the API show. */
export function norm(text) {
  const s = String(text).replace(/,/g, '').trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  const [i, f = ''] = s.split('.');
  const frac = f.replace(/0+$/, '');
  const int = i.replace(/^(-?)0+(?=\d)/, '$1');
  return frac ? `${int}.${frac}` : int;
}

export function ensureArtifacts() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}

/**
 * Starts the exchange and resolves once `/ready` answers 200. Pass the ports and data dir of a
 * previous run to restart it in place; `args` are more command-line options (e.g. `--config`).
 */
export async function startExchange({ httpPort, wsPort, dataDir, args: extraArgs = [] } = {}) {
  if (!existsSync(EXCHANGE_BIN)) throw new Error(`exchange binary not found at ${EXCHANGE_BIN} (set EXCHANGE_BIN)`);
  if (!existsSync(path.join(OUT_DIR, 'index.html'))) throw new Error(`no page build in ${OUT_DIR}: run npm run build`);
  httpPort ??= await freePort();
  wsPort ??= await freePort();
  dataDir ??= mkdtempSync(path.join(os.tmpdir(), 'exchange-e2e-'));
  const args = ['--http-port', String(httpPort), '--ws-port', String(wsPort), '--data-dir', dataDir, '--demo',
    '--static-dir', OUT_DIR, '--log-level', 'warn', ...extraArgs];
  // A .mjs "binary" is the development mock (dev/mock-exchange.mjs).
  const [cmd, cmdArgs] = /\.m?js$/.test(EXCHANGE_BIN) ? [process.execPath, [EXCHANGE_BIN, ...args]] : [EXCHANGE_BIN, args];
  const proc = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  const keep = (chunk) => { logs.push(String(chunk)); if (logs.length > 200) logs.shift(); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  // Never leave an exchange running behind a test process that stops early.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => {
    process.removeListener('exit', killOnExit);
    resolve({ code, signal });
  }));
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const ex = { proc, httpPort, wsPort, dataDir, args: extraArgs, baseUrl, logs, exited };
  let early = null;
  void exited.then((r) => { early = r; });
  await waitFor(async () => {
    if (early) throw new Error(`exchange exited (${JSON.stringify(early)}):\n${logs.join('')}`);
    const r = await fetch(`${baseUrl}/ready`).catch(() => null);
    return r?.status === 200;
  }, { timeout: 30_000, interval: 100, message: `exchange on ${baseUrl} to be ready` }).catch((e) => {
    proc.kill('SIGKILL');
    throw e;
  });
  return ex;
}

/** Stops the exchange (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
export async function stopExchange(ex, { signal = 'SIGTERM', removeData = false } = {}) {
  if (ex.proc.exitCode === null && ex.proc.signalCode === null) {
    ex.proc.kill(signal);
    const timer = setTimeout(() => ex.proc.kill('SIGKILL'), 10_000);
    await ex.exited;
    clearTimeout(timer);
  }
  if (removeData) rmSync(ex.dataDir, { recursive: true, force: true });
}

/** REST calls for driving the exchange from the test: `{status, body}` for every answer. */
export function rest(baseUrl) {
  const call = async (method, p, body) => {
    const r = await fetch(`${baseUrl}/api/v1/${p}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: r.status, body: json };
  };
  const ok = async (promise) => {
    const r = await promise;
    if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return {
    call,
    order: (o) => call('POST', 'order', { orderType: 'intraday', ...o }),
    placeOrder: (o) => ok(call('POST', 'order', { orderType: 'intraday', ...o })),
    cancelOrder: (orderId, market) => ok(call('DELETE', 'order', { orderId, market })),
    depth: (symbol, limit = 100) => ok(call('GET', `depth?symbol=${symbol}&limit=${limit}`)),
    trades: (symbol, limit = 50) => ok(call('GET', `trades?symbol=${symbol}&limit=${limit}`)),
    openOrders: (userId, market) => ok(call('GET', `order/open?userId=${userId}&market=${market}`)),
    balances: (userId) => ok(call('GET', `balances?userId=${userId}`)),
    ticker: (symbol) => ok(call('GET', `tickers?symbol=${symbol}`)),
  };
}

/**
 * A trade at 1000.00 between users 1 and 2 (so there is a last price, a ticker and a candle),
 * then `levels` asks from 1005.00 (user 1) and bids from 995.00 (user 2) a unit apart, of 2,
 * 2.25, 2.5, ... each.
 */
export async function seedBook(api, market, levels = 8) {
  await api.placeOrder({ market, side: 'sell', price: '1000.00', quantity: '1', userId: '1' });
  await api.placeOrder({ market, side: 'buy', price: '1000.00', quantity: '1', userId: '2' });
  for (let i = 0; i < levels; i++) {
    const quantity = (2 + i / 4).toFixed(2);
    await api.placeOrder({ market, side: 'sell', price: (1005 + i).toFixed(2), quantity, userId: '1' });
    await api.placeOrder({ market, side: 'buy', price: (995 - i).toFixed(2), quantity, userId: '2' });
  }
}

/**
 * Sends orders for load tests: node:http over a few kept-alive connections. fetch() costs about
 * three times the CPU per request, and on a 2-core machine the load generator then competes with
 * the browser it is measuring. Resolves to the HTTP status (rejects when the exchange is unreachable).
 */
export function orderSender(baseUrl) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const send = (order) => new Promise((resolve, reject) => {
    const body = JSON.stringify({ orderType: 'intraday', ...order });
    const req = http.request({
      hostname, port, path: '/api/v1/order', method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
  return { send, close: () => agent.destroy() };
}

/**
 * Headless Chromium driven by playwright. With `debuggingPort`, it also listens for DevTools
 * connections on that port (for unobservedPage).
 */
export async function launchBrowser({ debuggingPort } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (set CHROMIUM)`);
  const args = debuggingPort ? [...CHROMIUM_ARGS, `--remote-debugging-port=${debuggingPort}`] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/**
 * A page of a browser launched with `debuggingPort` that playwright does not instrument, for
 * measuring the page under load. Playwright enables the DevTools Network domain in every page and
 * worker it controls, so the browser then reports each WebSocket frame the page's socket worker
 * receives (hundreds a second) to the test process: work done only for the test, on the cores the
 * page is measured on. This page is opened in a browser context playwright does not know (it
 * detaches from such targets) and is driven over a plain DevTools connection that enables nothing
 * but what it is asked for: no Network domain, no attachment to the page's workers.
 *
 * `evaluate(fn, arg)` runs `fn(arg)` in the page (awaiting a promise) and returns its JSON value;
 * `send(method, params)` sends any DevTools command to the page's session.
 */
export async function unobservedPage(debuggingPort, { width = 1440, height = 900 } = {}) {
  const version = await (await fetch(`http://127.0.0.1:${debuggingPort}/json/version`)).json();
  const ws = new WebSocket(version.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024 });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let nextId = 0;
  const pending = new Map();
  const waiting = new Map();   // event name -> resolvers of nextEvent
  ws.on('message', (data) => {
    const m = JSON.parse(String(data));
    if (m.method) {
      const resolvers = waiting.get(m.method);
      waiting.delete(m.method);
      for (const resolve of resolvers ?? []) resolve(m.params);
      return;
    }
    const p = m.id !== undefined ? pending.get(m.id) : undefined;
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`));
    else p.resolve(m.result);
  });
  ws.on('close', () => { for (const p of pending.values()) p.reject(new Error(`${p.method}: DevTools connection closed`)); pending.clear(); });
  const call = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject, method });
    ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  });
  const { browserContextId } = await call('Target.createBrowserContext', { disposeOnDetach: true });
  const { targetId } = await call('Target.createTarget', { url: 'about:blank', browserContextId });
  const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true });
  const send = (method, params = {}) => call(method, params, sessionId);
  await send('Runtime.runIfWaitingForDebugger');
  await send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
  const rate = Number(process.env.E2E_CPU_THROTTLE ?? 0);
  if (rate > 1) await send('Emulation.setCPUThrottlingRate', { rate });
  const evaluate = async (fn, arg) => {
    const r = await send('Runtime.evaluate', {
      expression: `(${fn})(${arg === undefined ? '' : JSON.stringify(arg)})`, awaitPromise: true, returnByValue: true,
    });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  const nextEvent = (method) => new Promise((resolve) => waiting.set(method, [...(waiting.get(method) ?? []), resolve]));
  return {
    send,
    evaluate,
    /** Navigates and resolves after the load event (the Page domain is enabled only meanwhile). */
    goto: async (url) => {
      await send('Page.enable');
      const loaded = nextEvent('Page.loadEventFired');
      const { errorText } = await send('Page.navigate', { url });
      if (errorText) throw new Error(`navigation to ${url}: ${errorText}`);
      await loaded;
      await send('Page.disable');
    },
    /** Resolves once `selector` matches an element (polled every 100 ms). */
    waitForSelector: (selector, timeout = 15_000) => waitFor(() => evaluate((s) => document.querySelector(s) !== null, selector),
      { timeout, interval: 100, message: selector }),
    screenshot: async (file) => {
      const { data } = await send('Page.captureScreenshot', { format: 'png' });
      writeFileSync(file, Buffer.from(data, 'base64'));
    },
    close: async () => {
      await call('Target.disposeBrowserContext', { browserContextId }).catch(() => undefined);
      ws.close();
    },
  };
}

/**
 * Whether the element is on screen where a person can see and tap it: scrolled into view, its
 * centre is not clipped away or covered (what the browser hits there is the element or inside it).
 */
export async function onScreen(p, selector) {
  const el = p.locator(selector).first();
  await el.scrollIntoViewIfNeeded();
  return el.evaluate((e) => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === e || e.contains(hit));
  });
}

/**
 * The WCAG contrast ratio of the first element matching `selector`: its text colour against what
 * is behind it, the translucent backgrounds of its ancestors laid over the first opaque one (the
 * page's background if none is). `null` when nothing matches.
 */
export async function contrastRatio(p, selector) {
  return p.evaluate((s) => {
    const el = document.querySelector(s);
    if (!el) return null;
    const rgba = (css) => { const [r, g, b, a = 1] = css.match(/[\d.]+/g).map(Number); return { r, g, b, a }; };
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c.a > 0) layers.unshift(c);
      if (c.a >= 1) break;
    }
    const bg = layers.reduce((under, c) => ({
      r: c.r * c.a + under.r * (1 - c.a), g: c.g * c.a + under.g * (1 - c.a), b: c.b * c.a + under.b * (1 - c.a),
    }), rgba(getComputedStyle(document.documentElement).backgroundColor));
    const lum = ({ r, g, b }) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [hi, lo] = [lum(rgba(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
    return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
  }, selector);
}

/**
 * A slower machine or network, to show a test does not depend on the speed of this one (off by
 * default): E2E_DELAY_API="depth,trades=1500" holds the page's answers from those /api/v1/
 * endpoints (GET, path after /api/v1/) that many ms (1500 if no "=ms"); E2E_CPU_THROTTLE=4 runs
 * the page's main thread 4 times slower (DevTools' CPU throttling; unobservedPage's too).
 */
async function slowDown(page) {
  const spec = process.env.E2E_DELAY_API;
  if (spec) {
    const [names, ms = '1500'] = spec.split('=');
    const endpoints = names.split(',').map((s) => s.trim()).filter(Boolean);
    await page.route((url) => url.pathname.startsWith('/api/v1/') && endpoints.includes(url.pathname.slice('/api/v1/'.length)), async (route) => {
      if (route.request().method() === 'GET') await sleep(Number(ms));
      await route.fallback();
    });
  }
  const rate = Number(process.env.E2E_CPU_THROTTLE ?? 0);
  if (rate > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate });
}

/** A page that fails the test on uncaught page errors (collected in `page.errors`). */
export async function openPage(browser, { width = 1440, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  await slowDown(page);
  if (process.env.E2E_DEBUG) {
    page.on('console', (m) => console.error(`[page ${m.type()}] ${m.text()}`));
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => console.error(`[ws <] ${String(f.payload).slice(0, 200)}`));
      ws.on('framesent', (f) => console.error(`[ws >] ${String(f.payload).slice(0, 200)}`));
    });
  }
  return page;
}

/** Types `text` key by key into a field emptied first, as a person would. */
export async function typeIn(p, testId, text) {
  const el = p.locator(`[data-testid=${testId}]`);
  await el.fill('');
  if (text) await el.pressSequentially(text);
}

export async function waitLive(p, timeout = 15_000) {
  await waitFor(async () => (await p.getAttribute('[data-testid=connection]', 'data-state')) === 'live', { timeout, message: 'live' });
}

/**
 * A page (`openPage`) on the trade view of `market` as `user`, live and with its book shown.
 * `clock`: the page's timers run on playwright's clock (`p.clock.fastForward`), installed before
 * the page loads, for what the page does after a minute or more.
 */
export async function openTrade(browser, baseUrl, market, { user = '5', width = 1440, height = 900, clock = false } = {}) {
  const p = await openPage(browser, { width, height });
  await p.context().addInitScript((u) => localStorage.setItem('exchange.userId', u), user);
  if (clock) await p.clock.install();
  await p.goto(`${baseUrl}/trade/${market}`);
  await p.waitForSelector(`[data-testid=trade-view][data-market=${market}]`);
  await waitLive(p);
  await p.waitForSelector('[data-testid=book-ask]');
  return p;
}
