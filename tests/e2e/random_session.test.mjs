// A random trading session over HTTP: 10,000+ orders from 20 users on concurrent keep-alive
// connections (limit, IOC, FOK, post-only, market orders, cancels, cancel-all), then the
// invariants of DESIGN.md: balances conserved per asset, locked funds equal to what the open
// orders need, the book equal to the open orders, and SQLite holding every trade exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startExchange, openWs, D, fmt, mulU, eventually, queryStore } from './harness.mjs';

const ORDERS = Number(process.env.E2E_ORDERS ?? 10000);
const USERS = 20;
const CONCURRENCY = 32;
const MARKETS = { TATA_INR: { base: 'TATA', mid: 1000 }, INFY_INR: { base: 'INFY', mid: 250 } };

let ex;
before(async () => { ex = await startExchange({ demo: false }); });
after(async () => { await ex?.stop(); });

let seed = 20250125;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const cents = (x) => (Math.round(x * 100) / 100).toFixed(2);

test(`random session: ${ORDERS} orders from ${USERS} users, then every invariant`, { timeout: 600000 }, async (t) => {
  const users = Array.from({ length: USERS }, (_, i) => `u${i + 1}`);
  const deposits = { INR: 0n, TATA: 0n, INFY: 0n };
  for (const u of users) {
    for (const [asset, amount] of [['INR', '5000000'], ['TATA', '2000'], ['INFY', '8000']]) {
      const r = await ex.post('/api/v1/on-ramp', { userId: u, amount, asset });
      assert.equal(r.status, 200, r.text);
      deposits[asset] += D(amount);
    }
  }

  // Every trade id seen, per market, from the streams and the order responses.
  const seen = new Set();
  const ws = await openWs(ex.wsUrl);
  await ws.call('SUBSCRIBE', Object.keys(MARKETS).flatMap((m) => [`fills@${m}`, `trade@${m}`]));
  const lastStreamTrade = {};
  ws.ws.addEventListener('message', (e) => {
    const d = JSON.parse(e.data);
    if (d.e === 'fills') seen.add(`${d.s}:${d.tradeId}`);
    if (d.e === 'trade') { seen.add(`${d.s}:${d.t}`); lastStreamTrade[d.s] = d.t; }
  });
  ws.inbox.length = 0;

  const open = new Map();  // orderId -> { userId, market }
  const statusCount = {};
  let placed = 0; let fivexx = 0;
  const note = (r) => {
    statusCount[r.status] = (statusCount[r.status] ?? 0) + 1;
    if (r.status >= 500) { fivexx++; t.diagnostic(`5xx: ${r.status} ${r.text}`); }
    assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500) || r.status >= 500, r.text);
  };
  const started = performance.now();

  async function worker() {
    while (placed < ORDERS) {
      const userId = pick(users);
      const market = pick(Object.keys(MARKETS));
      const { mid } = MARKETS[market];
      const r = rnd();
      if (r < 0.13 && open.size) {
        const entries = [...open.entries()];
        const [orderId, o] = pick(entries);
        const res = await ex.del('/api/v1/order', { orderId, market: o.market, userId: o.userId });
        note(res);
        if (res.status === 200 || res.status === 404) open.delete(orderId);
        continue;
      }
      if (r < 0.14) {
        const res = await ex.del('/api/v1/orders', { market, userId });
        note(res);
        if (res.status === 200) for (const c of res.json) open.delete(c.orderId);
        continue;
      }
      const side = rnd() < 0.5 ? 'buy' : 'sell';
      const order = { market, side, userId, orderType: rnd() < 0.5 ? 'intraday' : 'delivery' };
      const kind = rnd();
      if (kind < 0.1) {
        order.type = 'market';
        if (side === 'buy' && rnd() < 0.5) order.quoteQuantity = cents(mid * (0.5 + rnd() * 3));
        else order.quantity = cents(0.01 + rnd() * 3);
      } else {
        const away = (rnd() - (side === 'buy' ? 0.6 : 0.4)) * mid * 0.02;
        order.price = cents(mid + away);
        order.quantity = rnd() < 0.5 ? Number(cents(0.01 + rnd() * 5)) : cents(0.01 + rnd() * 5);
        if (kind < 0.17) order.timeInForce = 'IOC';
        else if (kind < 0.21) order.timeInForce = 'FOK';
        else if (kind < 0.26) order.postOnly = true;
        if (rnd() < 0.1) order.clientOrderId = `c${placed}-${Math.floor(rnd() * 1e6)}`;
      }
      placed++;
      const res = await ex.post('/api/v1/order', order);
      note(res);
      if (res.status === 200) {
        for (const f of res.json.fills) seen.add(`${market}:${f.tradeId}`);
        if (res.json.status === 'NEW' || res.json.status === 'PARTIALLY_FILLED') open.set(res.json.orderId, { userId, market });
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(`${placed} orders in ${seconds.toFixed(1)} s (${Math.round(placed / seconds)} orders/s with cancels), statuses ${JSON.stringify(statusCount)}`);
  assert.equal(fivexx, 0, 'no 5xx');

  // The streams have delivered every trade.
  for (const market of Object.keys(MARKETS)) {
    const newest = (await ex.get(`/api/v1/trades?symbol=${market}&limit=1`)).json[0]?.id ?? 0;
    await eventually(() => (lastStreamTrade[market] ?? 0) >= newest, { timeoutMs: 20000, what: `${market} trades on the stream` });
  }
  t.diagnostic(`${seen.size} distinct trades seen`);
  assert.ok(seen.size > 100, 'the session traded');

  // Balances: conserved per asset, never negative; locked == what open orders need.
  const totals = { INR: 0n, TATA: 0n, INFY: 0n };
  const locked = {};
  for (const u of users) {
    const b = (await ex.get(`/api/v1/balances?userId=${u}`)).json;
    locked[u] = {};
    for (const asset of Object.keys(totals)) {
      const avail = D(b[asset].available); const lock = D(b[asset].locked);
      assert.ok(avail >= 0n && lock >= 0n, `${u} ${asset} not negative`);
      totals[asset] += avail + lock;
      locked[u][asset] = lock;
    }
  }
  for (const asset of Object.keys(totals)) assert.equal(fmt(totals[asset]), fmt(deposits[asset]), `${asset} conserved`);

  const book = {};
  for (const market of Object.keys(MARKETS)) book[market] = { bids: new Map(), asks: new Map() };
  for (const u of users) {
    const need = { INR: 0n, TATA: 0n, INFY: 0n };
    for (const [market, { base }] of Object.entries(MARKETS)) {
      const r = await ex.get(`/api/v1/order/open?userId=${u}&market=${market}`);
      assert.equal(r.status, 200, r.text);
      for (const o of r.exact) {
        const remaining = D(o.quantity) - D(o.filled);
        assert.ok(remaining > 0n);
        const price = o.price.text;
        if (o.side === 'buy') need.INR += mulU(D(price), remaining);
        else need[base] += remaining;
        const levels = book[market][o.side === 'buy' ? 'bids' : 'asks'];
        levels.set(price, (levels.get(price) ?? 0n) + remaining);
      }
    }
    for (const asset of Object.keys(need)) assert.equal(fmt(locked[u][asset]), fmt(need[asset]), `${u} locked ${asset} == open orders`);
  }

  // The book served is the aggregation of the open orders.
  for (const market of Object.keys(MARKETS)) {
    const depth = (await ex.get(`/api/v1/depth?symbol=${market}&limit=5000`)).json;
    const norm = (levels) => levels.map(([p, q]) => `${fmt(D(p))}:${fmt(D(q))}`).sort();
    const expect = (m) => [...m.entries()].map(([p, q]) => `${fmt(D(p))}:${fmt(q)}`).sort();
    assert.deepEqual(norm(depth.bids), expect(book[market].bids), `${market} bids`);
    assert.deepEqual(norm(depth.asks), expect(book[market].asks), `${market} asks`);
  }
  await ws.close();

  // Storage holds every trade exactly once (after a clean stop, which flushes the writer).
  const stopped = await ex.stop({ keepData: true });
  assert.equal(stopped.code, 0, `clean exit: ${JSON.stringify(stopped)}\n${ex.output().slice(-2000)}`);
  const rows = queryStore(ex, 'SELECT market || \':\' || trade_id FROM trades;');
  if (rows === null) {
    t.diagnostic('database client not installed: storage check skipped');
  } else {
    const stored = rows ? rows.split('\n') : [];
    const storedSet = new Set(stored);
    assert.equal(storedSet.size, stored.length, 'no trade stored twice');
    const missing = [...seen].filter((id) => !storedSet.has(id));
    const extra = stored.filter((id) => !seen.has(id));
    assert.deepEqual(missing, [], 'every trade seen is stored');
    assert.deepEqual(extra, [], 'every stored trade was seen');
    t.diagnostic(`storage: ${stored.length} trades, each once`);
  }
});
