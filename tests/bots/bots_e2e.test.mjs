// End-to-end test of exchange-mm and exchange-sim against the real exchange binary.
//   EXCHANGE_BIN=build/exchange MM_BIN=build/exchange-mm SIM_BIN=build/exchange-sim \
//     node --experimental-websocket --test tests/bots/bots_e2e.test.mjs
// Starts the exchange on free ports with a temporary data directory and the demo users,
// then checks, in order: the maker fills every market with its ladder within seconds and
// trades, candles and tickers move; its open orders never exceed its limits; simulated
// traders trade against it without errors; on SIGTERM it leaves no open orders and its
// ledger agrees with the exchange, and money is conserved across all users; killing and
// restarting the exchange makes it reconnect and resume; the exchange keeps the balances it
// reported across that restart; and another user's order inside its ladder makes it bid
// below that order rather than retry refused post-only bids. No npm packages: node 20's
// fetch and WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const EXCHANGE = process.env.EXCHANGE_BIN;
const MM = process.env.MM_BIN;
const SIM = process.env.SIM_BIN;
const missing = [EXCHANGE, MM, SIM].some((p) => !p || !fs.existsSync(p));

const LEVELS = 5;
const QUANTITY = 1;
const SIZE_GROWTH = 0.5;
const DEMO = 10_000_000;
const SIM_TRADERS = 10;
const SIM_PREFIX = 'e2esim';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// A child process whose output lines are kept, so a test can wait for one.
class Proc {
  constructor(name, bin, args) {
    this.name = name;
    this.lines = [];
    this.stdout = '';
    this.child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    const collect = (stream, isStdout) => {
      let partial = '';
      stream.on('data', (chunk) => {
        const text = chunk.toString();
        if (isStdout) this.stdout += text;
        partial += text;
        const parts = partial.split('\n');
        partial = parts.pop();
        for (const line of parts) {
          this.lines.push(line);
          if (process.env.BOTS_E2E_VERBOSE) console.error(`[${this.name}] ${line}`);
        }
      });
    };
    collect(this.child.stdout, true);
    collect(this.child.stderr, false);
  }

  async waitFor(regex, timeoutMs, from = 0) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.lines.slice(from).some((l) => regex.test(l))) return;
      if (this.child.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`${this.name}: no line matching ${regex} within ${timeoutMs} ms; last lines:\n` +
                    this.lines.slice(-15).join('\n'));
  }

  async stop(signal = 'SIGTERM', timeoutMs = 15000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = sleep(timeoutMs).then(() => 'timeout');
    const r = await Promise.race([this.exited, timer]);
    if (r === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`${this.name} did not stop within ${timeoutMs} ms`);
    }
    return r;
  }
}

// The name=value summary line a bot prints on stdout.
function summary(proc) {
  const line = proc.stdout.trim().split('\n').filter((l) => l.includes('=')).pop() || '';
  const out = {};
  for (const part of line.split(' ')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

let dir;
let httpPort;
let wsPort;
let base;
let exchange;
let markets = [];

async function api(pathAndQuery, init) {
  const res = await fetch(base + pathAndQuery, init);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function startExchange() {
  const proc = new Proc('exchange', EXCHANGE, [
    '--http-port', String(httpPort), '--ws-port', String(wsPort), '--data-dir', dir,
    '--demo', '--log-level', 'warn']);
  await proc.waitFor(/listening/, 20000);
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(base + '/ready')).status === 200) return proc;
    } catch {}
    await sleep(100);
  }
  throw new Error('the exchange never became ready');
}

function startMm(extra = []) {
  return new Proc('mm', MM, [
    '--http', base, '--ws', `ws://127.0.0.1:${wsPort}/`, '--levels', String(LEVELS),
    '--quantity', String(QUANTITY), '--size-growth', String(SIZE_GROWTH), '--refresh-ms', '200',
    '--take-interval', '0.4', '--status-ms', '2000', '--balance-check-ms', '1000',
    '--reconcile-ms', '3000', '--wait-ready', '30', '--seed', '7', ...extra]);
}

async function depthOf(symbol) {
  const r = await api(`/api/v1/depth?symbol=${symbol}&limit=50`);
  assert.equal(r.status, 200);
  return r.body;
}

async function waitForLevels(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await Promise.all(markets.map((m) => depthOf(m.symbol)));
    if (last.every((d) => d.bids.length >= LEVELS && d.asks.length >= LEVELS)) return last;
    await sleep(100);
  }
  throw new Error('books never reached ' + LEVELS + ' levels per side: ' + JSON.stringify(last));
}

async function openOrders(user, symbol) {
  const r = await api(`/api/v1/order/open?userId=${user}&market=${symbol}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function balances(user) {
  const r = await api(`/api/v1/balances?userId=${user}`);
  if (r.status === 404) return {};
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// Exact decimal arithmetic for the conservation check: values as BigInt units of 1e-8.
function units(text) {
  const s = String(text);
  const neg = s.startsWith('-');
  const [w, f = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt(w) * 100000000n + BigInt((f + '00000000').slice(0, 8));
  return neg ? -v : v;
}

before(async () => {
  if (missing) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bots-e2e-'));
  httpPort = await freePort();
  wsPort = await freePort();
  base = `http://127.0.0.1:${httpPort}`;
  exchange = await startExchange();
  markets = (await api('/api/v1/markets')).body;
  assert.ok(markets.length >= 2, 'the default configuration has at least two markets');
});

after(async () => {
  if (missing) return;
  for (const p of [mm, mm2, exchange]) if (p) await p.stop('SIGKILL').catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
});

let mm;
let mm2;
let simSummary;
let mmTag;  // the first maker's session tag: its clientOrderIds without the order number

// "mm3f2a1c-12" or "mm3f2a1ct7" (a taker order) -> "mm3f2a1c"
const sessionTag = (clientOrderId) => clientOrderId.replace(/[-t]\d+$/, '');
const skip = missing ? 'EXCHANGE_BIN, MM_BIN and SIM_BIN must name the built binaries' : false;

test('the market maker fills every market with its ladder within seconds', { skip }, async () => {
  mm = startMm();
  const started = Date.now();
  const books = await waitForLevels(10000);
  console.log(`  ${LEVELS} levels per side in every market after ${Date.now() - started} ms`);
  for (const d of books) {
    // A proper book: best bid below best ask, levels sorted.
    assert.ok(Number(d.bids[0][0]) < Number(d.asks[0][0]));
    for (let i = 1; i < d.bids.length; i++) assert.ok(Number(d.bids[i][0]) < Number(d.bids[i - 1][0]));
    for (let i = 1; i < d.asks.length; i++) assert.ok(Number(d.asks[i][0]) > Number(d.asks[i - 1][0]));
  }
});

test('trades, candles and tickers move', { skip }, async () => {
  const symbol = markets[0].symbol;
  const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/`);
  const seen = new Set();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.e) seen.add(msg.e);
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  ws.send(JSON.stringify({ method: 'SUBSCRIBE',
                           params: [`trade@${symbol}`, `kline@${symbol}:1m`, `ticker@${symbol}`, `depth@${symbol}`],
                           id: 1 }));
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && !['trade', 'kline', 'ticker', 'depth'].every((e) => seen.has(e)))
    await sleep(100);
  ws.close();
  assert.deepEqual([...seen].sort(), ['depth', 'kline', 'ticker', 'trade']);
  for (const m of markets) {
    // The maker takes in one market at a time, at random: the others may trade a moment later.
    let trades = await api(`/api/v1/trades?symbol=${m.symbol}&limit=5`);
    while (trades.body.length === 0 && Date.now() < deadline) {
      await sleep(100);
      trades = await api(`/api/v1/trades?symbol=${m.symbol}&limit=5`);
    }
    assert.ok(trades.body.length > 0, `trades in ${m.symbol}`);
    const ticker = await api(`/api/v1/tickers?symbol=${m.symbol}`);
    assert.ok(Number(ticker.body.volume) > 0, `ticker volume in ${m.symbol}`);
  }
});

test('its open orders never exceed its limits', { skip }, async () => {
  const maxQty = QUANTITY * (1 + SIZE_GROWTH * (LEVELS - 1)) * 1.5 + 0.01;  // + full size skew
  let samples = 0;
  const deadline = Date.now() + 4000;
  while (Date.now() < deadline) {
    for (const m of markets) {
      const open = await openOrders('5', m.symbol);
      const bids = open.filter((o) => o.side === 'buy');
      const asks = open.filter((o) => o.side === 'sell');
      assert.ok(bids.length <= LEVELS && asks.length <= LEVELS,
                `${m.symbol}: ${bids.length} bids, ${asks.length} asks open (limit ${LEVELS})`);
      for (const o of open) {
        assert.match(o.clientOrderId ?? '', /^mm/);
        mmTag ??= sessionTag(o.clientOrderId);
        assert.ok(Number(o.quantity) <= maxQty, `order size ${o.quantity} <= ${maxQty}`);
        assert.ok(units(o.price) % units(m.tickSize) === 0n, 'price on the tick grid');
        assert.ok(units(o.quantity) % units(m.stepSize) === 0n, 'quantity on the step grid');
      }
      samples++;
    }
  }
  assert.ok(samples > 10);
});

test('simulated traders trade against it without errors', { skip }, async () => {
  const sim = new Proc('sim', SIM, [
    '--http', base, '--ws', `ws://127.0.0.1:${wsPort}/`, '--traders', String(SIM_TRADERS),
    '--user-prefix', SIM_PREFIX, '--rate', '100', '--duration', '6', '--seed', '3']);
  const { code } = await sim.exited;
  assert.equal(code, 0, sim.lines.slice(-10).join('\n'));
  assert.ok(sim.lines.some((l) => /orders\/s=.*trades\/s=.*errors/.test(l)), 'a progress line each second');
  simSummary = summary(sim);
  console.log('  ' + sim.stdout.trim());
  assert.ok(Number(simSummary.orders) > 100, 'orders placed');
  assert.ok(Number(simSummary.trades) > 10, 'trades');
  assert.equal(simSummary.errors, '0');
});

test('on SIGTERM it leaves no open orders and its ledger agrees with the exchange', { skip }, async () => {
  const { code } = await mm.stop('SIGTERM');
  const s = summary(mm);
  console.log('  ' + mm.stdout.trim());
  assert.equal(s.final_check, 'ok', 'the exchange agrees with the maker\'s ledger');
  assert.equal(s.left_open, '0');
  assert.equal(code, 0);
  assert.ok(Number(s.placed) > 0 && Number(s.maker_fills) > 0 && Number(s.taker_orders) > 0);
  for (const m of markets) assert.deepEqual(await openOrders('5', m.symbol), []);
  // Conservation: every unit of every asset is where deposits put it, and nothing is locked.
  const users = ['1', '2', '5', ...Array.from({ length: SIM_TRADERS }, (_, i) => SIM_PREFIX + (i + 1))];
  const totals = {};
  for (const user of users) {
    for (const [asset, b] of Object.entries(await balances(user))) {
      assert.equal(units(b.locked), 0n, `${user} has ${b.locked} ${asset} locked with no open order`);
      assert.ok(units(b.available) >= 0n);
      totals[asset] = (totals[asset] ?? 0n) + units(b.available) + units(b.locked);
    }
  }
  for (const [asset, total] of Object.entries(totals)) {
    const deposited = units(simSummary?.[`deposited_${asset}`] ?? '0');
    assert.equal(total, BigInt(3 * DEMO) * 100000000n + deposited, `${asset} is conserved`);
  }
});

test('it reconnects after the exchange is killed and restarted, and resumes', { skip }, async () => {
  mm2 = startMm(['--ws', 'http']);  // this time the stream on the REST port (/ws)
  await mm2.waitFor(/quoting \d+ market/, 15000);
  await waitForLevels(10000);
  const before = Date.now();
  await exchange.stop('SIGKILL');
  await mm2.waitFor(/exchange unreachable/, 10000);
  const mark = mm2.lines.length;
  exchange = await startExchange();
  await mm2.waitFor(/resumed quoting/, 20000, mark);
  await waitForLevels(10000);
  // Same --seed as the first maker, yet its own tag: a lost reply is looked up in the order
  // history by clientOrderId, and must never match the earlier run's order.
  const tags = new Set((await openOrders('5', markets[0].symbol)).map((o) => sessionTag(o.clientOrderId)));
  assert.ok(mmTag && tags.size === 1 && !tags.has(mmTag), `tags ${[...tags]} vs the first run's ${mmTag}`);
  const deadline = Date.now() + 15000;
  let fresh = false;
  while (!fresh && Date.now() < deadline) {
    const trades = await api(`/api/v1/trades?symbol=${markets[0].symbol}&limit=1`);
    fresh = trades.body.length > 0 && trades.body[0].time > before;
    if (!fresh) await sleep(200);
  }
  assert.ok(fresh, 'trades resume after the restart');
});

test('after the restart it still leaves no open orders on SIGTERM', { skip }, async () => {
  await mm2.stop('SIGTERM');
  const s = summary(mm2);
  console.log('  ' + mm2.stdout.trim());
  assert.equal(s.left_open, '0');
  assert.ok(Number(s.offline) >= 1 && Number(s.ws_connects) >= 2);
  for (const m of markets) assert.deepEqual(await openOrders('5', m.symbol), []);
  mm2.restartSummary = s;
});

test('the exchange keeps the balances it reported across a kill and restart', { skip }, async () => {
  // The maker's ledger started from the exchange's balances, then followed every fill; if
  // the exchange forgets acknowledged trades or deposits when it restarts, they differ.
  const s = mm2.restartSummary ?? summary(mm2);
  assert.equal(s.final_check, 'ok', `maker ledger vs exchange after a restart: ${s.final_drift ?? ''}`);
});

// "12345000" (units of 1e-8) -> "0.12345"
function decimal(u) {
  const neg = u < 0n;
  const a = neg ? -u : u;
  const frac = (a % 100000000n).toString().padStart(8, '0').replace(/0+$/, '');
  return (neg ? '-' : '') + (a / 100000000n).toString() + (frac ? '.' + frac : '');
}

test('it quotes around another user\'s order inside its ladder instead of crossing it', { skip }, async () => {
  // User 2's ask rests above every bid; the maker's reference is 1.5% above it, so every
  // bid of its ladder would cross that ask. With no taking, nothing trades it away: the
  // maker must bid below it, not retry refused post-only bids.
  const m = markets[0];
  const tick = units(m.tickSize);
  const depth = await depthOf(m.symbol);
  const bestBid = depth.bids.length ? units(depth.bids[0][0]) : 100000000000n;
  const price = (bestBid * 101n) / 100n / tick * tick;
  const reference = (price * 1015n) / 1000n / tick * tick;
  const sell = await api('/api/v1/order', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ market: m.symbol, side: 'sell', userId: '2', orderType: 'intraday',
                           type: 'limit', price: decimal(price), quantity: '2', postOnly: true }),
  });
  assert.equal(sell.status, 200, JSON.stringify(sell.body));
  const config = path.join(dir, 'mm-inside.toml');
  fs.writeFileSync(config, `[[market]]\nsymbol = "${m.symbol}"\nreference-price = "${decimal(reference)}"\n`);
  const mm3 = startMm(['--config', config, '--markets', m.symbol, '--reference', 'last',
                       '--take-interval', '0', '--status-ms', '1000']);
  try {
    await mm3.waitFor(/quoting \d+ market/, 15000);
    await sleep(3000);
    const open = await openOrders('5', m.symbol);
    const bids = open.filter((o) => o.side === 'buy');
    const asks = open.filter((o) => o.side === 'sell');
    assert.equal(bids.length, LEVELS, `bids resting: ${JSON.stringify(bids)}`);
    assert.equal(asks.length, LEVELS);
    for (const b of bids) assert.ok(units(b.price) < price, `bid ${b.price} below the ask ${decimal(price)}`);
    const status = mm3.lines.filter((l) => /status:/.test(l)).pop() ?? '';
    assert.match(status, new RegExp(`resting ${LEVELS}/${LEVELS}\\b`), status);
  } finally {
    await mm3.stop('SIGTERM');
    await api('/api/v1/orders', { method: 'DELETE', headers: { 'content-type': 'application/json' },
                                  body: JSON.stringify({ market: m.symbol, userId: '2' }) });
  }
  const s = summary(mm3);
  console.log(`  rejected=${s.rejected} post_only_rejects=${s.post_only_rejects} placed=${s.placed}`);
  assert.ok(Number(s.post_only_rejects) <= LEVELS, `post-only refusals: ${s.post_only_rejects}`);
  assert.equal(s.left_open, '0');
});
