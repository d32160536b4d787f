// REST API end to end against the real binary: every endpoint's exact shape and JSON types
// (shared/API.md Parts 1 and 2), and the original trading flows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startExchange, rawHttp, splitResponses, Num, D, fmt, ISO_MS, isDecimalString, isDecimalNumber, isIntegerNumber, eventually,
} from './harness.mjs';

let ex;
const M = 'TATA_INR';

before(async () => { ex = await startExchange({ demo: true }); });
after(async () => { await ex?.stop(); });

const keys = (o) => Object.keys(o);
const num = (text) => new Num(text);

async function ok(promise) {
  const r = await promise;
  assert.equal(r.status, 200, `expected 200, got ${r.status}: ${r.text}`);
  return r;
}

async function deposit(userId, amount, asset) {
  const body = asset ? { userId, amount, asset } : { userId, amount };
  return (await ok(ex.post('/api/v1/on-ramp', body))).exact;
}

async function place(order) {
  return ok(ex.post('/api/v1/order', { market: M, orderType: 'intraday', ...order }));
}

async function balances(userId) {
  return (await ok(ex.get(`/api/v1/balances?userId=${userId}`))).json;
}

test('health, readiness and metrics', async () => {
  const h = await ok(ex.get('/health'));
  assert.deepEqual(h.json, { status: 'ok' });
  await ok(ex.get('/ready'));
  const m = await ok(ex.get('/metrics'));
  assert.match(m.headers.get('content-type'), /^text\/plain/);
  assert.match(m.text, /# TYPE exchange_http_requests_total counter/);
  assert.match(m.text, /# TYPE exchange_http_request_duration_seconds histogram/);
  assert.match(m.text, /# TYPE exchange_ws_connections gauge/);
  assert.match(m.text, /# TYPE exchange_ws_slow_consumers_total counter/);
  assert.match(m.text, /exchange_http_requests_total\{route="\/health",method="GET",status="200"\} [1-9]/);
});

test('markets: every market with its rules as strings', async () => {
  const r = await ok(ex.get('/api/v1/markets'));
  assert.ok(Array.isArray(r.json) && r.json.length >= 2);
  for (const m of r.json) {
    assert.deepEqual(keys(m), ['symbol', 'baseAsset', 'quoteAsset', 'tickSize', 'stepSize', 'minQty', 'minNotional', 'priceBand', 'baseAssetPrecision', 'quoteAssetPrecision']);
    for (const k of keys(m).slice(0, 8)) assert.equal(typeof m[k], 'string', `${k} is a string`);
    for (const k of ['baseAssetPrecision', 'quoteAssetPrecision']) assert.ok(Number.isInteger(m[k]) && m[k] >= 0 && m[k] <= 8, `${k}=${m[k]}`);
    assert.equal(m.symbol, `${m.baseAsset}_${m.quoteAsset}`);
    for (const k of ['tickSize', 'stepSize', 'minQty', 'minNotional', 'priceBand']) assert.ok(isDecimalString(m[k]), `${k}=${m[k]}`);
  }
  const tata = r.json.find((m) => m.symbol === M);
  assert.deepEqual(tata, { symbol: M, baseAsset: 'TATA', quoteAsset: 'INR', tickSize: tata.tickSize, stepSize: tata.stepSize, minQty: tata.minQty, minNotional: tata.minNotional, priceBand: tata.priceBand, baseAssetPrecision: 2, quoteAssetPrecision: 2 });
});

test('on-ramp: deposits create users and answer the available balance as a number', async () => {
  const first = await deposit('alice', 54767.1);
  assert.deepEqual(keys(first), ['userId', 'amount']);
  assert.equal(first.userId, 'alice');
  assert.deepEqual(first.amount, num('54767.1'));
  const second = await deposit('alice', '19531.35');  // a decimal string counts too
  assert.deepEqual(second.amount, num('74298.45'));
  const tata = await deposit('alice', 5, 'TATA');
  assert.deepEqual(tata.amount, num('5'));
  const b = await balances('alice');
  assert.deepEqual(b.INR, { available: '74298.45', locked: '0' });
  assert.deepEqual(b.TATA, { available: '5', locked: '0' });
  for (const [asset, v] of Object.entries(b)) {
    assert.deepEqual(keys(v), ['available', 'locked'], asset);
    assert.ok(isDecimalString(v.available) && isDecimalString(v.locked));
  }
  const n = await deposit(7, 10);  // a numeric userId is its text
  assert.equal(n.userId, '7');
});

test('the original flow: sell, buy with partial fill, open orders, depth, cancel', async () => {
  await deposit('buyer1', 100000);
  await deposit('seller1', 50, 'TATA');

  // A resting sell. Response types as the original: executedQty number, fills array.
  const sell = await place({ side: 'sell', price: 1500.5, quantity: 5, userId: 'seller1' });
  assert.deepEqual(keys(sell.exact), ['orderId', 'executedQty', 'fills', 'status', 'remainingQty', 'clientOrderId']);
  assert.equal(typeof sell.exact.orderId, 'string');
  assert.deepEqual(sell.exact.executedQty, num('0'));
  assert.deepEqual(sell.exact.fills, []);
  assert.equal(sell.exact.status, 'NEW');
  assert.deepEqual(sell.exact.remainingQty, num('5'));
  assert.equal(sell.exact.clientOrderId, null);
  let b = await balances('seller1');
  assert.deepEqual(b.TATA, { available: '45', locked: '5' });

  // A buy above the ask: trades at the maker's price, the difference is refunded.
  const buy = await place({ side: 'buy', price: 1501, quantity: 2, userId: 'buyer1' });
  assert.deepEqual(buy.exact.executedQty, num('2'));
  assert.equal(buy.exact.status, 'FILLED');
  assert.deepEqual(buy.exact.remainingQty, num('0'));
  assert.equal(buy.exact.fills.length, 1);
  const fill = buy.exact.fills[0];
  assert.deepEqual(keys(fill), ['price', 'qty', 'tradeId', 'otherUserId', 'markerOrderId', 'isBuyerMaker']);
  assert.equal(fill.price, '1500.5');
  assert.deepEqual(fill.qty, num('2'));
  assert.ok(isIntegerNumber(fill.tradeId));
  assert.equal(fill.otherUserId, 'seller1');
  assert.equal(fill.markerOrderId, sell.json.orderId);
  assert.equal(fill.isBuyerMaker, false);
  b = await balances('buyer1');
  assert.deepEqual(b.INR, { available: fmt(D('100000') - D('3001')), locked: '0' });
  assert.equal(b.TATA.available, '2');
  b = await balances('seller1');
  assert.deepEqual(b.TATA, { available: '45', locked: '3' });
  assert.equal(b.INR.available, '3001');

  // Open orders: the original's numbers.
  const open = await ok(ex.get(`/api/v1/order/open?userId=seller1&market=${M}`));
  assert.equal(open.exact.length, 1);
  const o = open.exact[0];
  assert.deepEqual(
    { price: o.price, quantity: o.quantity, orderId: o.orderId, filled: o.filled, side: o.side, userId: o.userId },
    { price: num('1500.5'), quantity: num('5'), orderId: sell.json.orderId, filled: num('2'), side: 'sell', userId: 'seller1' });
  assert.deepEqual(keys(o).slice(0, 4), ['price', 'quantity', 'orderId', 'filled']);
  // Without a market: the user's open orders in every market.
  await deposit('seller1', 1, 'INFY');
  const other = await place({ market: 'INFY_INR', side: 'sell', price: 100, quantity: 1, userId: 'seller1' });
  const everywhere = await ok(ex.get('/api/v1/order/open?userId=seller1'));
  assert.deepEqual(everywhere.json.map((x) => [x.market, x.orderId]).sort(),
    [[M, sell.json.orderId], ['INFY_INR', other.json.orderId]].sort());
  await ok(ex.del('/api/v1/order', { orderId: other.json.orderId, market: 'INFY_INR' }));
  assert.deepEqual(o.remainingQty, num('3'), 'Part 2 adds what is still open');
  assert.equal(o.orderType, 'intraday', 'the product is reported with the order');

  // Depth: string levels, best first, with lastUpdateId.
  const depth = await ok(ex.get(`/api/v1/depth?symbol=${M}`));
  assert.deepEqual(keys(depth.exact), ['bids', 'asks', 'lastUpdateId']);
  assert.ok(isIntegerNumber(depth.exact.lastUpdateId));
  assert.ok(depth.json.asks.some(([p, q]) => p === '1500.5' && q === '3'));
  for (const side of ['bids', 'asks'])
    for (const lv of depth.json[side]) assert.ok(lv.length === 2 && isDecimalString(lv[0]) && isDecimalString(lv[1]));
  const askPrices = depth.json.asks.map(([p]) => D(p));
  assert.deepEqual([...askPrices].sort((a, c) => (a < c ? -1 : a > c ? 1 : 0)), askPrices, 'asks ascend');
  const bidPrices = depth.json.bids.map(([p]) => D(p));
  assert.deepEqual([...bidPrices].sort((a, c) => (a > c ? -1 : a < c ? 1 : 0)), bidPrices, 'bids descend');

  // Cancel: what had been filled and what was cancelled, as numbers.
  const cancel = await ok(ex.del('/api/v1/order', { orderId: sell.json.orderId, market: M }));
  assert.deepEqual(cancel.exact, { orderId: sell.json.orderId, executedQty: num('2'), remainingQty: num('3'), status: 'CANCELED', clientOrderId: null });
  b = await balances('seller1');
  assert.deepEqual(b.TATA, { available: '48', locked: '0' });
  const again = await ex.del('/api/v1/order', { orderId: sell.json.orderId, market: M });
  assert.equal(again.status, 404);
  assert.deepEqual(keys(again.json), ['code', 'message']);
  assert.deepEqual(await ok(ex.get(`/api/v1/order/open?userId=seller1&market=${M}`)).then((r) => r.json), []);

  // The order, closed, with Part 2's order object.
  const one = await ok(ex.get(`/api/v1/order?orderId=${sell.json.orderId}&market=${M}`));
  assert.deepEqual(keys(one.exact), ['orderId', 'clientOrderId', 'market', 'userId', 'side', 'type', 'timeInForce', 'postOnly', 'orderType', 'price', 'quantity', 'quoteQuantity', 'executedQty', 'executedQuoteQty', 'remainingQty', 'status', 'time']);
  const { time, ...rest } = one.exact;
  assert.ok(isIntegerNumber(time) && Math.abs(Number(time.text) - Date.now()) < 60000);
  assert.deepEqual(rest, {
    orderId: sell.json.orderId, clientOrderId: null, market: M, userId: 'seller1', side: 'sell', type: 'limit',
    timeInForce: 'GTC', postOnly: false, orderType: 'intraday', price: '1500.5', quantity: '5', quoteQuantity: null, executedQty: '2', executedQuoteQty: '3001',
    remainingQty: '0', status: 'CANCELED',
  });

  // History, newest first.
  const hist = await ok(ex.get(`/api/v1/orders?userId=seller1&market=${M}&limit=10`));
  assert.equal(hist.json[0].orderId, sell.json.orderId);
  const bhist = await ok(ex.get(`/api/v1/orders?userId=buyer1&market=${M}`));
  assert.equal(bhist.json[0].orderId, buy.json.orderId);
  assert.equal(bhist.json[0].status, 'FILLED');
  assert.equal(bhist.json[0].executedQty, '2');

  // Each user's side of the trade, once storage has it (the writer's batch behind).
  const fillsOf = async (user) => (await ok(ex.get(`/api/v1/fills?userId=${user}&market=${M}`))).json;
  await eventually(async () => (await fillsOf('buyer1')).length === 1, { what: "buyer1's fill stored" });
  const [bought] = await fillsOf('buyer1');
  const { time: boughtAt, ...boughtRest } = bought;
  assert.ok(Math.abs(boughtAt - Date.now()) < 60000);
  assert.deepEqual(boughtRest, {
    market: M, tradeId: Number(fill.tradeId), orderId: buy.json.orderId, side: 'buy', price: '1500.5', qty: '2',
    quoteQty: '3001', isMaker: false,
  });
  const sold = await fillsOf('seller1');
  assert.deepEqual(sold.map((f) => [f.orderId, f.side, f.isMaker, f.tradeId]), [[sell.json.orderId, 'sell', true, Number(fill.tradeId)]]);
  const unknown = await ex.get(`/api/v1/fills?userId=nobody-here&market=${M}`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.code, 'UNKNOWN_USER');
  const noUser = await ex.get(`/api/v1/fills?market=${M}`);
  assert.equal(noUser.status, 400);

  // Public trades, newest first.
  const trades = await ok(ex.get(`/api/v1/trades?symbol=${M}&limit=1`));
  assert.equal(trades.exact.length, 1);
  const t = trades.exact[0];
  assert.deepEqual(keys(t), ['id', 'price', 'qty', 'time', 'isBuyerMaker']);
  assert.deepEqual(t.id, fill.tradeId);
  assert.equal(t.price, '1500.5');
  assert.equal(t.qty, '2');
  assert.ok(isIntegerNumber(t.time));
  assert.equal(t.isBuyerMaker, false);
});

test('klines: candles with numbers and the bucket start in end', async () => {
  const now = Math.floor(Date.now() / 1000);
  for (const interval of ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w']) {
    const r = await ok(ex.get(`/api/v1/klines?symbol=${M}&interval=${interval}&startTime=${now - 8 * 86400}&endTime=${now + 60}`));
    assert.ok(r.exact.length >= 1, `a ${interval} candle after the trades`);
    for (const c of r.exact) {
      assert.deepEqual(keys(c), ['close', 'end', 'high', 'low', 'open', 'volume']);
      for (const k of ['close', 'high', 'low', 'open', 'volume']) assert.ok(isDecimalNumber(c[k]), `${k}`);
      assert.match(c.end, ISO_MS);
      assert.ok(D(c.low) <= D(c.open) && D(c.open) <= D(c.high) && D(c.low) <= D(c.close) && D(c.close) <= D(c.high));
    }
    const ends = r.json.map((c) => Date.parse(c.end));
    assert.deepEqual([...ends].sort((a, b) => a - b), ends, 'oldest first');
  }
  // The last hour's candle holds the last trade: its end is the start of that trade's hour (not
  // of the hour now: one may have begun since).
  const [lastTrade] = (await ok(ex.get(`/api/v1/trades?symbol=${M}&limit=1`))).json;
  const hour = await ok(ex.get(`/api/v1/klines?symbol=${M}&interval=1h&startTime=${now - 2 * 3600}&endTime=${now + 60}`));
  const last = hour.json.at(-1);
  assert.equal(Date.parse(last.end), Math.floor(lastTrade.time / 3600000) * 3600000, 'end is the bucket start');
  const none = await ok(ex.get(`/api/v1/klines?symbol=${M}&interval=1m&startTime=1000&endTime=2000`));
  assert.deepEqual(none.json, []);
  // A limit: the last buckets without startTime (the current minute's candle and none
  // older), the first ones from startTime. Both asked within one minute: when a minute begins
  // between the answers and the clock read, "the current minute" is another one: asked again.
  let newest, minute, current;
  do {
    current = Math.floor(Date.now() / 60000) * 60000;
    const at = Math.floor(current / 1000);
    newest = await ok(ex.get(`/api/v1/klines?symbol=${M}&interval=1m&limit=1`));
    minute = await ok(ex.get(`/api/v1/klines?symbol=${M}&interval=1m&startTime=${at - 60}&endTime=${at + 60}`));
  } while (Math.floor(Date.now() / 60000) * 60000 !== current);
  assert.deepEqual(newest.json, minute.json.filter((c) => Date.parse(c.end) === current));
  const week = await ok(ex.get(`/api/v1/klines?symbol=${M}&interval=1w&startTime=${now - 8 * 86400}`));
  const first = await ok(ex.get(`/api/v1/klines?symbol=${M}&interval=1w&startTime=${now - 8 * 86400}&limit=1`));
  assert.ok(first.json.length <= 1);
  assert.deepEqual(first.json, week.json.filter((c) => Date.parse(c.end) < (now - 8 * 86400 + 7 * 86400) * 1000));
  const bad = await ex.get(`/api/v1/klines?symbol=${M}&interval=1m&limit=1001`);
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /limit/);
});

test('tickers: one market, or all with symbol', async () => {
  const one = await ok(ex.get(`/api/v1/tickers?symbol=${M}`));
  assert.deepEqual(keys(one.exact), ['startTime', 'firstPrice', 'high', 'low', 'lastPrice', 'volume', 'priceChange', 'priceChangePercent']);
  assert.match(one.exact.startTime, ISO_MS);
  for (const k of keys(one.exact).slice(1)) assert.ok(isDecimalNumber(one.exact[k]), k);
  // The window starts at the minute holding 24 hours ago (candles.hpp, RollingTicker).
  const asked = Date.now();
  const start = Date.parse(one.json.startTime);
  assert.equal(start % 60000, 0);
  assert.ok(start <= asked - 86400000 && start > asked - 86400000 - 60000 - 5000, one.json.startTime);
  const all = await ok(ex.get('/api/v1/tickers'));
  assert.ok(Array.isArray(all.json) && all.json.length >= 2);
  for (const t of all.exact) {
    assert.deepEqual(keys(t), ['symbol', 'startTime', 'firstPrice', 'high', 'low', 'lastPrice', 'volume', 'priceChange', 'priceChangePercent']);
  }
  assert.deepEqual(all.exact.find((t) => t.symbol === M).lastPrice, one.exact.lastPrice);
});

test('part 2 orders: clientOrderId, IOC, FOK, post-only, market orders, self-trade prevention', async () => {
  await deposit('p2a', 1000000);
  await deposit('p2b', 1000, 'TATA');
  await deposit('p2a', 1000, 'TATA');

  const resting = await place({ side: 'sell', price: 2000, quantity: 3, userId: 'p2b', clientOrderId: 'ask-1' });
  assert.equal(resting.json.clientOrderId, 'ask-1');
  const dup = await ex.post('/api/v1/order', { market: M, side: 'sell', price: 2001, quantity: 1, userId: 'p2b', clientOrderId: 'ask-1' });
  assert.equal(dup.status, 409, dup.text);
  assert.equal(dup.json.code, 'DUPLICATE_CLIENT_ORDER_ID');
  // Looked up by its owner's name for it (an order whose reply a client lost).
  const byName = await ok(ex.get(`/api/v1/order?clientOrderId=ask-1&market=${M}&userId=p2b`));
  assert.equal(byName.json.orderId, resting.json.orderId);
  assert.equal(byName.json.status, 'NEW');
  for (const q of [`clientOrderId=ask-1&market=${M}&userId=p2a`, `clientOrderId=nope&market=${M}&userId=p2b`]) {
    const r = await ex.get(`/api/v1/order?${q}`);
    assert.equal(r.status, 404, q);
    assert.equal(r.json.code, 'UNKNOWN_ORDER');
  }
  const ownerless = await ex.get(`/api/v1/order?clientOrderId=ask-1&market=${M}`);
  assert.equal(ownerless.status, 400);
  assert.equal(ownerless.json.code, 'MISSING_FIELD');
  // Cancelled by that name, and found closed in history afterwards.
  const spare = await place({ side: 'sell', price: 2500, quantity: 1, userId: 'p2b', clientOrderId: 'ask-2' });
  const cancelled = await ok(ex.del('/api/v1/order', { clientOrderId: 'ask-2', market: M, userId: 'p2b' }));
  assert.deepEqual(cancelled.json, { orderId: spare.json.orderId, executedQty: 0, remainingQty: 1, status: 'CANCELED', clientOrderId: 'ask-2' });
  const again = await ex.del('/api/v1/order', { clientOrderId: 'ask-2', market: M, userId: 'p2b' });
  assert.equal(again.status, 404);
  await eventually(async () => (await ex.get(`/api/v1/order?clientOrderId=ask-2&market=${M}&userId=p2b`)).json?.status === 'CANCELED',
    { what: 'the cancelled order found by its clientOrderId' });

  // Post-only that would cross: refused, nothing changes.
  const before = await balances('p2a');
  const po = await ex.post('/api/v1/order', { market: M, side: 'buy', price: 2000, quantity: 1, userId: 'p2a', postOnly: true });
  assert.equal(po.status, 422, po.text);
  assert.equal(po.json.code, 'POST_ONLY_WOULD_CROSS');
  assert.deepEqual(await balances('p2a'), before);

  // FOK that cannot fill completely: nothing trades.
  const fok = await place({ side: 'buy', price: 2000, quantity: 5, userId: 'p2a', timeInForce: 'FOK' });
  assert.deepEqual(fok.exact.executedQty, num('0'));
  assert.ok(['EXPIRED', 'REJECTED'].includes(fok.json.status), fok.text);
  assert.deepEqual(await balances('p2a'), before);

  // IOC: fills what it can, the rest expires and is unlocked.
  const ioc = await place({ side: 'buy', price: 2000, quantity: 5, userId: 'p2a', timeInForce: 'IOC' });
  assert.deepEqual(ioc.exact.executedQty, num('3'));
  assert.equal(ioc.json.status, 'EXPIRED');
  let b = await balances('p2a');
  assert.equal(b.INR.locked, '0');
  assert.equal(b.INR.available, fmt(D(before.INR.available) - D('6000')));

  // Market buy by quote amount against a fresh ask; bounded by the price band.
  await place({ side: 'sell', price: 2000, quantity: 2, userId: 'p2b' });
  const mkt = await place({ side: 'buy', type: 'market', quoteQuantity: 2000, userId: 'p2a' });
  assert.deepEqual(mkt.exact.executedQty, num('1'));
  assert.equal(mkt.json.fills[0].price, '2000');
  const mo = await ok(ex.get(`/api/v1/order?orderId=${mkt.json.orderId}&market=${M}`));
  assert.equal(mo.json.type, 'market');
  assert.equal(mo.json.price, null);
  assert.equal(mo.json.quoteQuantity, '2000');
  assert.equal(mkt.json.status, 'FILLED', 'the budget bought all it could');
  // Market sell by quantity.
  await place({ side: 'buy', price: 1990, quantity: 1, userId: 'p2b' });
  const ms = await place({ side: 'sell', type: 'market', quantity: 1, userId: 'p2a' });
  assert.deepEqual(ms.exact.executedQty, num('1'));
  assert.equal(ms.json.fills[0].price, '1990');

  // Self-trade prevention: p2b's own buy meets its resting sell; the resting one is cancelled.
  const own = await place({ side: 'buy', price: 2000, quantity: 1, userId: 'p2b' });
  assert.deepEqual(own.json.fills, []);
  const openB = await ok(ex.get(`/api/v1/order/open?userId=p2b&market=${M}`));
  assert.ok(!openB.json.some((o) => o.side === 'sell' && o.price === 2000), 'resting sell cancelled');
  await ok(ex.del('/api/v1/orders', { market: M, userId: 'p2b' }));
  b = await balances('p2b');
  assert.equal(b.INR.locked, '0');
  assert.equal(b.TATA.locked, '0');
});

test('market orders stop at the price band around the last price', async () => {
  const I = 'INFY_INR';
  await deposit('band-s', 100, 'INFY');
  await deposit('band-b', 100000);
  const post = (o) => ok(ex.post('/api/v1/order', { market: I, orderType: 'intraday', ...o }));
  await post({ side: 'sell', price: 100, quantity: 1, userId: 'band-s' });
  await post({ side: 'buy', price: 100, quantity: 1, userId: 'band-b' });  // last price 100
  await post({ side: 'sell', price: 105, quantity: 1, userId: 'band-s' });
  const far = await post({ side: 'sell', price: 150, quantity: 1, userId: 'band-s' });
  const mkt = await post({ side: 'buy', type: 'market', quantity: 2, userId: 'band-b' });
  assert.deepEqual(mkt.exact.executedQty, num('1'), 'only the ask inside the band');
  assert.equal(mkt.json.fills[0].price, '105');
  assert.equal(mkt.json.status, 'EXPIRED');
  const depth = (await ok(ex.get(`/api/v1/depth?symbol=${I}`))).json;
  assert.deepEqual(depth.asks, [['150', '1']]);
  // By quote amount: more money than the band has sellers for, so it expires too.
  await post({ side: 'sell', price: 105, quantity: 1, userId: 'band-s' });
  const byQuote = await post({ side: 'buy', type: 'market', quoteQuantity: 500, userId: 'band-b' });
  assert.deepEqual(byQuote.exact.executedQty, num('1'));
  assert.equal(byQuote.json.status, 'EXPIRED');
  await ok(ex.del('/api/v1/order', { orderId: far.json.orderId, market: I }));
  const b = await balances('band-b');
  assert.equal(b.INR.locked, '0', 'the market buys released what they did not spend');
  assert.equal(b.INR.available, fmt(D('100000') - D('205') - D('105')));
});

test('cancel all of a user orders', async () => {
  await deposit('carol', 100000);
  const ids = [];
  for (const price of [100, 101, 102]) ids.push((await place({ side: 'buy', price, quantity: 1, userId: 'carol', clientOrderId: `c-${price}` })).json.orderId);
  const r = await ok(ex.del('/api/v1/orders', { market: M, userId: 'carol' }));
  assert.ok(Array.isArray(r.exact));
  assert.deepEqual(r.json.map((c) => c.orderId).sort(), [...ids].sort());
  assert.deepEqual(r.json.map((c) => [c.orderId, c.status, c.clientOrderId]).sort(),
    ids.map((id, i) => [id, 'CANCELED', `c-${100 + i}`]).sort());
  for (const c of r.exact) assert.deepEqual(keys(c), ['orderId', 'executedQty', 'remainingQty', 'status', 'clientOrderId']);
  assert.deepEqual((await ok(ex.get(`/api/v1/order/open?userId=carol&market=${M}`))).json, []);
  assert.equal((await balances('carol')).INR.locked, '0');
  const none = await ok(ex.del('/api/v1/orders', { market: M, userId: 'carol' }));
  assert.deepEqual(none.json, []);
});

test('paging: before walks order history, fills and trades newest first, each once', async () => {
  await deposit('pager-b', 10000000);
  await deposit('pager-s', 1000, 'TATA');
  const placed = [];
  let fillCount = 0;
  for (let i = 0; i < 12; i++) {
    await place({ side: 'sell', price: 2000 + i, quantity: 1, userId: 'pager-s' });
    // Takes the best ask, whoever's: paging only needs the buyer to have fills.
    const b = await place({ side: 'buy', price: 2000 + i, quantity: 1, userId: 'pager-b', timeInForce: 'IOC' });
    placed.push(b.json.orderId);
    fillCount += b.json.fills.length;
  }
  for (let i = 0; i < 9; i++) placed.push((await place({ side: 'buy', price: 1, quantity: 1, userId: 'pager-b' })).json.orderId);
  assert.ok(fillCount >= 12);

  const walk = async (path, idOf, limit) => {
    const out = [];
    for (let before = ''; ;) {
      const page = (await ok(ex.get(`${path}&limit=${limit}${before}`))).json;
      assert.ok(page.length <= limit);
      if (page.length === 0) return out;
      out.push(...page);
      before = `&before=${idOf(page.at(-1))}`;
    }
  };
  const orders = (await ok(ex.get(`/api/v1/orders?userId=pager-b&market=${M}&limit=500`))).json;
  assert.deepEqual(orders.map((o) => o.orderId), [...placed].reverse());
  assert.deepEqual(await walk(`/api/v1/orders?userId=pager-b&market=${M}`, (o) => o.orderId, 4), orders);

  const fillsPath = `/api/v1/fills?userId=pager-b&market=${M}`;
  await eventually(async () => (await ok(ex.get(`${fillsPath}&limit=1000`))).json.length === fillCount,
    { what: "pager-b's fills stored" });
  const fills = (await ok(ex.get(`${fillsPath}&limit=1000`))).json;
  assert.deepEqual(await walk(fillsPath, (f) => f.tradeId, 5), fills);

  const trades = (await ok(ex.get(`/api/v1/trades?symbol=${M}&limit=1000`))).json;
  assert.ok(trades.length >= 12 && trades.length < 1000);
  assert.deepEqual(await walk(`/api/v1/trades?symbol=${M}`, (t) => t.id, 7), trades);

  // A cursor that is not an id of the list: 400 for trade ids, 404 for orders.
  for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
    const f = await ex.get(`${fillsPath}&before=${bad}`);
    assert.equal(f.status, 400, `fills before=${bad}: ${f.text}`);
    assert.equal(f.json.code, 'INVALID_FIELD');
    assert.equal((await ex.get(`/api/v1/trades?symbol=${M}&before=${bad}`)).status, 400);
  }
  assert.deepEqual((await ok(ex.get(`${fillsPath}&before=1`))).json, []);
  const elsewhere = await place({ market: 'INFY_INR', side: 'buy', price: 1, quantity: 1, userId: 'pager-b' });
  // (paging.test.mjs has the cursors that are well-formed ids of no order of the user.)
  for (const bad of ['zzz', elsewhere.json.orderId, 'x'.repeat(100)]) {
    const r = await ex.get(`/api/v1/orders?userId=pager-b&market=${M}&before=${bad}`);
    assert.ok([400, 404].includes(r.status), `orders before=${bad}: ${r.status} ${r.text}`);
    assert.ok(['UNKNOWN_ORDER', 'INVALID_FIELD'].includes(r.json.code), r.text);
  }
  await ok(ex.del('/api/v1/orders', { market: M, userId: 'pager-b' }));
  await ok(ex.del('/api/v1/orders', { market: 'INFY_INR', userId: 'pager-b' }));
});

test('insufficient funds and business rules: 422 with no state change', async () => {
  await deposit('poor', 10);
  const before = await balances('poor');
  const r = await ex.post('/api/v1/order', { market: M, side: 'buy', price: 100, quantity: 1, userId: 'poor' });
  assert.equal(r.status, 422);
  assert.equal(r.json.code, 'INSUFFICIENT_FUNDS');
  assert.equal(typeof r.json.message, 'string');
  const s = await ex.post('/api/v1/order', { market: M, side: 'sell', price: 100, quantity: 1, userId: 'poor' });
  assert.equal(s.status, 422);
  assert.deepEqual(await balances('poor'), before);
  assert.deepEqual((await ok(ex.get(`/api/v1/order/open?userId=poor&market=${M}`))).json, []);
});

test('demo users exist with 10,000,000 of every asset', async () => {
  const markets = (await ok(ex.get('/api/v1/markets'))).json;
  const assets = new Set(markets.flatMap((m) => [m.baseAsset, m.quoteAsset]));
  for (const u of ['1', '2', '5']) {
    const b = await balances(u);
    for (const a of assets) assert.deepEqual(b[a], { available: '10000000', locked: '0' }, `${u} ${a}`);
  }
});

test('HTTP: CORS, preflight, 404, 405, HEAD, the page at /', async () => {
  const r = await ex.get('/api/v1/markets', { headers: { Origin: 'http://example.com' } });
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  const pre = await ex.req('OPTIONS', '/api/v1/order', undefined, {
    headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
  assert.match(pre.headers.get('access-control-allow-headers'), /content-type/i);
  const nf = await ex.get('/api/v1/nothing');
  assert.equal(nf.status, 404);
  assert.deepEqual(keys(nf.json), ['code', 'message']);
  const na = await ex.req('PUT', '/api/v1/order', { x: 1 });
  assert.equal(na.status, 405);
  assert.match(na.headers.get('allow'), /POST/);
  assert.equal(na.json.code, 'METHOD_NOT_ALLOWED');
  const head = await ex.req('HEAD', '/health');
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  const page = await ex.get('/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  const traversal = await rawHttp(ex.httpPort, 'GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(traversal.text, /^HTTP\/1\.1 404/);
  assert.doesNotMatch(traversal.text, /root:/);
});

test('HEAD has the headers of GET without the body; HTTP/1.0 gets a 1.0 reply; a 204 has no length', async () => {
  const head = await rawHttp(ex.httpPort, 'HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.ok(head.closed);
  assert.match(head.text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(head.text, /\r\nContent-Length: 15\r\n/);
  assert.ok(head.text.endsWith('\r\n\r\n'), 'nothing after the headers');
  const old = await rawHttp(ex.httpPort, 'GET /health HTTP/1.0\r\n\r\n');
  assert.ok(old.closed, 'HTTP/1.0 without keep-alive ends the connection');
  assert.match(old.text, /^HTTP\/1\.0 200 OK\r\n/);
  assert.ok(old.text.endsWith('\r\n\r\n{"status":"ok"}'));
  const preflight = await rawHttp(ex.httpPort,
    'OPTIONS /api/v1/order HTTP/1.1\r\nHost: x\r\nOrigin: http://a\r\nConnection: close\r\n\r\n');
  assert.match(preflight.text, /^HTTP\/1\.1 204 No Content\r\n/);
  assert.doesNotMatch(preflight.text, /content-length/i);
  assert.ok(preflight.text.endsWith('\r\n\r\n'));
});

test('HEAD answered by an error (no such page, /ws, a refusal) has no body either', async () => {
  // Pipelined on one connection: a body after any of these would be read as the next reply.
  const r = await rawHttp(ex.httpPort, [
    'HEAD /no/such/page HTTP/1.1\r\nHost: x\r\n\r\n',
    'HEAD /ws HTTP/1.1\r\nHost: x\r\n\r\n',
    'HEAD /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  ].join(''));
  const heads = r.text.split('\r\n\r\n');
  assert.equal(heads.length, 5, r.text);
  assert.match(heads[0], /^HTTP\/1\.1 404 /);
  assert.match(heads[1], /^HTTP\/1\.1 426 /);
  assert.match(heads[2], /^HTTP\/1\.1 404 /);
  assert.match(heads[3], /^HTTP\/1\.1 200 /);
  for (const h of heads.slice(0, 3)) assert.match(h, /\r\nContent-Length: [1-9]\d*(\r\n|$)/);
  assert.equal(heads[4], '{"status":"ok"}');
});

test('a target in absolute form (as sent to a proxy) is served like its path', async () => {
  const r = await rawHttp(ex.httpPort, [
    `GET http://127.0.0.1:${ex.httpPort}/health HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET HTTPS://x/api/v1/depth?symbol=${M}&limit=1 HTTP/1.1\r\nHost: x\r\n\r\n`,
    'GET http://x/api/v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  ].join(''));
  const responses = splitResponses(r.text);
  assert.deepEqual(responses.map((x) => x.status), [200, 200, 404]);
  assert.equal(responses[0].body, '{"status":"ok"}');
  assert.ok(responses[1].body.startsWith('{"bids":'));
});

test('HTTP/1.1 keep-alive and pipelining answer in order', async () => {
  const reqs = [
    'GET /health HTTP/1.1\r\nHost: x\r\n\r\n',
    `GET /api/v1/depth?symbol=${M}&limit=1 HTTP/1.1\r\nHost: x\r\n\r\n`,
    'GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n',
    `GET /api/v1/markets HTTP/1.1\r\nHost: x\r\n\r\n`,
    'GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  ];
  const r = await rawHttp(ex.httpPort, reqs.join(''));
  assert.ok(r.closed, 'closed after Connection: close');
  const responses = splitResponses(r.text);
  assert.deepEqual(responses.map((x) => x.status), [200, 200, 404, 200, 200]);
  assert.equal(responses[0].body, '{"status":"ok"}');
  assert.ok(responses[1].body.startsWith('{"bids":'));
  assert.equal(responses[4].headers.connection, 'close');
});
