// End-to-end test of exchange-mm and exchange-sim against the real exchange binary.
//   EXCHANGE_BIN=build/exchange MM_BIN=build/exchange-mm SIM_BIN=build/exchange-sim \
//     node --experimental-websocket --test tests/bots/bots_e2e.test.mjs
// Starts the exchange on free ports with a temporary data directory and the demo users,
// then checks, in order: the maker fills every market with its ladder within seconds and
// trades, candles and tickers move; its open orders never exceed its limits; simulated
// traders trade against it without errors; on SIGTERM it leaves no open orders and its
// ledger agrees with the exchange, and money is conserved across all users; killing and
// restarting the exchange makes it reconnect and resume; the exchange keeps the balances it
// reported across that restart; another user's order inside its ladder makes it bid
// below that order rather than retry refused post-only bids; and on a second, fresh
// exchange without the demo users, a maker whose users the exchange does not know says so
// and places nothing, and one with --topup funds them and quotes; and a deposit amount
// finer than an asset's precision stops either bot at start-up, naming its option, before
// it deposits anything. No npm packages: node 20's fetch and WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../e2e/harness.mjs';

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

// `at`: the exchange's base URL (the shared one unless a test runs its own).
async function api(pathAndQuery, init, at = base) {
  const res = await fetch(at + pathAndQuery, init);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function startExchange({ http = httpPort, ws = wsPort, data = dir, demo = true } = {}) {
  const proc = new Proc('exchange', EXCHANGE, [
    '--http-port', String(http), '--ws-port', String(ws), '--data-dir', data,
    ...(demo ? ['--demo'] : []), '--log-level', 'warn']);
  await proc.waitFor(/listening/, 20000);
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${http}/ready`)).status === 200) return proc;
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

async function depthOf(symbol, at = base) {
  const r = await api(`/api/v1/depth?symbol=${symbol}&limit=50`, undefined, at);
  assert.equal(r.status, 200);
  return r.body;
}

async function waitForLevels(timeoutMs, at = base) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await Promise.all(markets.map((m) => depthOf(m.symbol, at)));
    if (last.every((d) => d.bids.length >= LEVELS && d.asks.length >= LEVELS)) return last;
    await sleep(100);
  }
  throw new Error('books never reached ' + LEVELS + ' levels per side: ' + JSON.stringify(last));
}

async function openOrders(user, symbol, at = base) {
  const r = await api(`/api/v1/order/open?userId=${user}&market=${symbol}`, undefined, at);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function balances(user, at = base) {
  const r = await api(`/api/v1/balances?userId=${user}`, undefined, at);
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
    // The ladder rests, and the maker says so, in its own time (a slow machine takes longer):
    // the orders and the status line read together until both show the whole ladder.
    const resting = new RegExp(`resting ${LEVELS}/${LEVELS}\\b`);
    let bids, asks, status;
    await eventually(async () => {
      const open = await openOrders('5', m.symbol);
      bids = open.filter((o) => o.side === 'buy');
      asks = open.filter((o) => o.side === 'sell');
      status = mm3.lines.filter((l) => /status:/.test(l)).pop() ?? '';
      return bids.length === LEVELS && asks.length === LEVELS && resting.test(status);
    }, { timeoutMs: 20000, intervalMs: 100,
         what: `the maker's ${LEVELS} bids and ${LEVELS} asks resting and its status "resting ${LEVELS}/${LEVELS}"` });
    assert.equal(bids.length, LEVELS, `bids resting: ${JSON.stringify(bids)}`);
    assert.equal(asks.length, LEVELS);
    for (const b of bids) assert.ok(units(b.price) < price, `bid ${b.price} below the ask ${decimal(price)}`);
    assert.match(status, resting, status);
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

test('on a fresh exchange without --demo, new users: told plainly without --topup, quoting with it', { skip }, async () => {
  // A second exchange of its own: no demo users, so no user exists until it deposits.
  const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bots-e2e-fresh-'));
  const http = await freePort();
  const ws = await freePort();
  const at = `http://127.0.0.1:${http}`;
  const onFresh = ['--http', at, '--ws', `ws://127.0.0.1:${ws}/`];
  const fresh = await startExchange({ http, ws, data: freshDir, demo: false });
  const procs = [fresh];
  try {
    assert.equal((await api('/api/v1/balances?userId=5', undefined, at)).status, 404, 'no demo users');
    const assets = new Set(markets.flatMap((m) => [m.baseAsset, m.quoteAsset]));

    // Without --topup: it says that the user holds nothing and how to fund it, and places
    // nothing (rather than sending orders the exchange refuses); its exit is clean.
    const idle = startMm([...onFresh, '--user', 'fresh-idle', '--taker-user', 'fresh-idle-taker']);
    procs.push(idle);
    await idle.waitFor(/maker user fresh-idle holds none of .*on-ramp.*--topup/, 10000);
    await idle.waitFor(/waiting for funds of fresh-idle/, 10000);
    await sleep(1000);
    const idleExit = await idle.stop('SIGTERM');
    const si = summary(idle);
    assert.equal(si.placed, '0');
    assert.equal(si.rejected, '0');
    assert.equal(si.taker_orders, '0');
    assert.equal(si.final_check, 'ok', 'nothing held, nothing expected');
    assert.equal(si.left_open, '0');
    assert.equal(idleExit.code, 0);
    assert.ok(!idle.lines.some((l) => /UNKNOWN_USER|could not cancel/.test(l)), idle.lines.join('\n'));

    // With --topup: it deposits every asset for both users, then quotes both sides at once.
    const started = Date.now();
    const mmFresh = startMm([...onFresh, '--user', 'fresh-maker', '--taker-user', 'fresh-taker', '--topup']);
    procs.push(mmFresh);
    await waitForLevels(8000, at);
    console.log(`  fresh users funded and ${LEVELS} levels per side after ${Date.now() - started} ms`);
    for (const m of markets) {
      const open = await openOrders('fresh-maker', m.symbol, at);
      assert.equal(open.filter((o) => o.side === 'buy').length, LEVELS, `${m.symbol} bids`);
      assert.equal(open.filter((o) => o.side === 'sell').length, LEVELS, `${m.symbol} asks`);
    }
    for (const user of ['fresh-maker', 'fresh-taker']) {
      const held = await balances(user, at);
      for (const asset of assets) assert.ok(units(held[asset]?.available ?? '0') > 0n, `${user} ${asset}`);
    }
    await mmFresh.waitFor(/status: quoting/, 5000);
    const { code } = await mmFresh.stop('SIGTERM');
    const s = summary(mmFresh);
    console.log('  ' + mmFresh.stdout.trim());
    assert.equal(s.deposits, String(2 * assets.size));
    assert.ok(Number(s.placed) >= 2 * LEVELS * markets.length);
    assert.equal(s.final_check, 'ok', `ledger vs exchange: ${s.final_drift ?? ''}`);
    assert.equal(s.left_open, '0');
    assert.equal(code, 0);
    for (const m of markets) assert.deepEqual(await openOrders('fresh-maker', m.symbol, at), []);
    for (const [asset, b] of Object.entries(await balances('fresh-maker', at)))
      assert.equal(units(b.locked), 0n, `fresh-maker has ${b.locked} ${asset} locked`);
  } finally {
    for (const p of procs.reverse()) await p.stop('SIGKILL').catch(() => {});
    fs.rmSync(freshDir, { recursive: true, force: true });
  }
});

test('deposit amounts finer than an asset allows stop both bots at start-up, naming the option', { skip }, async () => {
  // The exchange states each asset's decimals in /markets; one more than the finest of
  // them cannot be deposited into any asset.
  const precisions = markets.flatMap((m) => [m.baseAssetPrecision, m.quoteAssetPrecision]);
  assert.ok(precisions.every((p) => Number.isInteger(p)), JSON.stringify(markets));
  const finest = Math.max(...precisions);
  assert.ok(finest < 8, 'an asset coarser than the exchange\'s 8 decimals to test with');
  const tooFine = `1.${'0'.repeat(finest)}1`;

  const mmFine = startMm(['--user', 'fine-maker', '--taker-user', 'fine-taker', '--topup',
                          '--topup-amount', tooFine]);
  const mmExit = await mmFine.exited;
  assert.equal(mmExit.code, 2, mmFine.lines.join('\n'));
  assert.ok(mmFine.lines.some((l) => l.includes(`--topup-amount ${tooFine} has more decimals than`)),
            mmFine.lines.join('\n'));

  const simFine = new Proc('sim', SIM, [
    '--http', base, '--ws', `ws://127.0.0.1:${wsPort}/`, '--traders', '2', '--user-prefix', 'fine-sim',
    '--fund-base', tooFine, '--duration', '2']);
  const simExit = await simFine.exited;
  assert.equal(simExit.code, 2, simFine.lines.join('\n'));
  assert.ok(simFine.lines.some((l) => l.includes(`--fund-base ${tooFine} has more decimals than`)),
            simFine.lines.join('\n'));

  // Nothing was sent: none of these users exists.
  for (const user of ['fine-maker', 'fine-taker', 'fine-sim1', 'fine-sim2'])
    assert.equal((await api(`/api/v1/balances?userId=${user}`)).status, 404, user);
});
