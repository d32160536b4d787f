// WebSocket streams end to end: the control protocol, every stream's exact shape and types
// (shared/API.md), and a local book kept from a REST snapshot plus depth diffs (U/u).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startExchange, openWs, rawHttp, D, ISO_MS, isDecimalString, sleep, eventually } from './harness.mjs';

let ex;
const M = 'TATA_INR';

before(async () => { ex = await startExchange({ demo: true }); });
after(async () => { await ex?.stop(); });

const keys = (o) => Object.keys(o);
const isInt = (v) => Number.isInteger(v) && v >= 0;

async function place(order, market = M) {
  const r = await ex.post('/api/v1/order', { market, orderType: 'intraday', ...order });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('both WebSocket endpoints speak the protocol', async () => {
  for (const url of [ex.wsUrl, ex.wsHttpUrl]) {
    const c = await openWs(url);
    assert.deepEqual(await c.call('SUBSCRIBE', [`depth@${M}`, `trade@${M}`]), { result: null, id: 1 });
    const list = await c.call('LIST_SUBSCRIPTIONS');
    assert.deepEqual(list.result.sort(), [`depth@${M}`, `trade@${M}`].sort());
    assert.deepEqual(await c.call('UNSUBSCRIBE', [`trade@${M}`]), { result: null, id: 3 });
    assert.deepEqual((await c.call('LIST_SUBSCRIPTIONS')).result, [`depth@${M}`]);
    c.send({ method: 'PING' });
    assert.deepEqual(await c.next((d) => d.result === 'pong'), { result: 'pong' });
    // The original clients send no id and get no acknowledgement, only events.
    c.send({ method: 'SUBSCRIBE', params: [`ticker@${M}`] });
    c.send({ method: 'PING', id: 99 });
    assert.deepEqual(await c.next((d) => d.id === 99), { result: 'pong', id: 99 });
    assert.equal(c.take((d) => 'result' in d && d.id === undefined).length, 0);
    await c.close();
  }
});

test('a browser-sized handshake, with the first message in its packet, is answered on both endpoints', async () => {
  const payload = Buffer.from(JSON.stringify({ method: 'SUBSCRIBE', params: [`trade@${M}`], id: 7 }));
  const mask = [0x11, 0x22, 0x33, 0x44];
  const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, ...mask]),
    Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))]);
  for (const [port, target] of [[ex.wsPort, '/'], [ex.httpPort, '/ws']]) {
    // What a browser sends, with the cookies a site may have set: several KB of head.
    const handshake = `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36\r\n' +
      'Accept-Language: en-GB,en;q=0.9\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' +
      `Cookie: session=${'c'.repeat(3000)}\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    const r = await rawHttp(port, Buffer.concat([Buffer.from(handshake), frame]), { timeoutMs: 1500 });
    assert.match(r.text, /^HTTP\/1\.1 101/, `port ${port}`);
    assert.ok(r.text.includes('{"result":null,"id":7}'), `the SUBSCRIBE sent with the handshake on port ${port}`);
  }
});

test('the four original streams and trade@ carry the documented shapes', async () => {
  const c = await openWs(ex.wsUrl);
  const streams = [`depth@${M}`, `kline@${M}:1h`, `ticker@${M}`, `fills@${M}`, `trade@${M}`];
  assert.deepEqual(await c.call('SUBSCRIBE', streams), { result: null, id: 1 });

  const sell = await place({ side: 'sell', price: 1005.5, quantity: 10.25, userId: '1' });
  const depth1 = await c.next((d) => d.e === 'depth');
  assert.deepEqual(keys(depth1).sort(), ['U', 'a', 'b', 'e', 's', 'u']);
  assert.equal(depth1.s, M);
  assert.ok(isInt(depth1.U) && isInt(depth1.u) && depth1.U <= depth1.u);
  assert.deepEqual(depth1.a, [['1005.5', '10.25']]);
  assert.deepEqual(depth1.b, []);

  const buy = await place({ side: 'buy', price: 1006, quantity: 4, userId: '2' });
  const trade = await c.next((d) => d.e === 'trade');
  assert.deepEqual(keys(trade), ['e', 's', 't', 'p', 'q', 'm', 'T']);
  assert.equal(trade.s, M);
  assert.equal(trade.t, buy.fills[0].tradeId);
  assert.equal(trade.p, '1005.5');
  assert.equal(trade.q, '4');
  assert.equal(trade.m, false);  // the buyer took liquidity
  assert.ok(isInt(trade.T) && Math.abs(trade.T - Date.now()) < 60000);

  const fills = [await c.next((d) => d.e === 'fills'), await c.next((d) => d.e === 'fills')];
  for (const f of fills) {
    assert.deepEqual(keys(f).sort(), ['e', 'orderId', 'price', 'quantity', 's', 'tradeId', 'userId']);
    assert.equal(f.s, M);
    assert.equal(f.price, '1005.5');
    assert.equal(f.quantity, '4');
    assert.equal(f.tradeId, trade.t);
  }
  assert.deepEqual(fills.map((f) => `${f.userId}:${f.orderId}`).sort(),
    [`1:${sell.orderId}`, `2:${buy.orderId}`].sort(), 'one per order in the trade');

  const depth2 = await c.next((d) => d.e === 'depth');
  assert.deepEqual(depth2.a, [['1005.5', '6.25']]);
  assert.ok(depth2.U > depth1.u);

  const kline = await c.next((d) => d.e === 'kline');
  for (const k of ['e', 's', 'timestamp', 'open', 'high', 'low', 'close', 'volume']) assert.ok(k in kline, k);
  assert.match(kline.timestamp, ISO_MS);
  // The candle of the trade's hour (not of the hour now: one may have begun since the trade).
  assert.equal(Date.parse(kline.timestamp), Math.floor(trade.T / 3600000) * 3600000);
  for (const k of ['open', 'high', 'low', 'close', 'volume']) assert.ok(isDecimalString(kline[k]), k);
  assert.equal(kline.close, '1005.5');

  const ticker = await c.next((d) => d.e === 'ticker');
  for (const k of ['e', 's', 'startTime', 'firstPrice', 'high', 'low', 'lastPrice', 'volume', 'priceChange', 'priceChangePercent'])
    assert.ok(k in ticker, k);
  assert.match(ticker.startTime, ISO_MS);
  for (const k of ['firstPrice', 'high', 'low', 'lastPrice', 'volume', 'priceChange', 'priceChangePercent'])
    assert.ok(isDecimalString(ticker[k]), `${k}=${ticker[k]}`);
  assert.equal(ticker.lastPrice, '1005.5');

  // A cancel removes the level: quantity "0".
  await ex.del('/api/v1/order', { orderId: sell.orderId, market: M });
  const depth3 = await c.next((d) => d.e === 'depth' && d.a.some(([p]) => p === '1005.5'));
  assert.deepEqual(depth3.a, [['1005.5', '0']]);

  // Only this market's events.
  await place({ side: 'sell', price: 50, quantity: 1, userId: '1' }, 'INFY_INR');
  await sleep(200);
  assert.equal(c.take((d) => d.s === 'INFY_INR').length, 0);

  // After UNSUBSCRIBE, nothing more of that stream.
  await c.call('UNSUBSCRIBE', [`trade@${M}`]);
  c.take();
  await place({ side: 'sell', price: 1006, quantity: 1, userId: '1' });
  await place({ side: 'buy', price: 1006, quantity: 1, userId: '2' });
  await c.next((d) => d.e === 'fills');
  await sleep(100);
  assert.equal(c.take((d) => d.e === 'trade').length, 0);
  await c.close();
});

// A local book from a snapshot and diffs, as API.md tells clients to keep one.
function applyLevels(book, levels) {
  for (const [p, q] of levels) {
    if (D(q) === 0n) book.delete(p);
    else book.set(p, q);
  }
}
function sorted(book, desc) {
  return [...book.entries()].sort((x, y) => {
    const a = D(x[0]); const b = D(y[0]);
    return desc ? (a > b ? -1 : a < b ? 1 : 0) : (a < b ? -1 : a > b ? 1 : 0);
  });
}

test('depth diffs applied to a REST snapshot reproduce the book', async () => {
  const market = 'INFY_INR';
  const c = await openWs(ex.wsHttpUrl);
  await c.call('SUBSCRIBE', [`depth@${market}`]);
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const open = [];
  async function randomOps(n) {
    for (let i = 0; i < n; ++i) {
      const r = rnd();
      if (r < 0.2 && open.length) {
        const [id] = open.splice(Math.floor(rnd() * open.length), 1);
        await ex.del('/api/v1/order', { orderId: id, market });
      } else {
        const side = rnd() < 0.5 ? 'buy' : 'sell';
        const price = (side === 'buy' ? 95 : 100) + Math.floor(rnd() * 10) + Math.floor(rnd() * 4) / 4;
        const quantity = (1 + Math.floor(rnd() * 500)) / 100;
        const res = await place({ side, price, quantity, userId: rnd() < 0.5 ? '1' : '2' }, market);
        if (res.status === 'NEW' || res.status === 'PARTIALLY_FILLED') open.push(res.orderId);
      }
    }
  }
  await randomOps(60);
  const snap = (await ex.get(`/api/v1/depth?symbol=${market}&limit=5000`)).json;
  await randomOps(300);
  const final = (await ex.get(`/api/v1/depth?symbol=${market}&limit=5000`)).json;
  assert.ok(final.lastUpdateId > snap.lastUpdateId);

  await eventually(() => c.inbox.some((m) => m.data.e === 'depth' && m.data.u >= final.lastUpdateId), { what: 'the last depth event' });
  const events = c.take((d) => d.e === 'depth');
  const bids = new Map(snap.bids); const asks = new Map(snap.asks);
  let last = snap.lastUpdateId;
  let applied = 0;
  for (const e of events) {
    assert.equal(e.s, market);
    if (e.u <= snap.lastUpdateId) continue;  // already in the snapshot
    if (applied === 0) assert.ok(e.U <= last + 1 && last + 1 <= e.u, `first event ${e.U}..${e.u} follows ${last}`);
    else assert.equal(e.U, last + 1, 'no gap between events');
    applyLevels(bids, e.b);
    applyLevels(asks, e.a);
    last = e.u;
    ++applied;
    if (last >= final.lastUpdateId) break;
  }
  assert.ok(applied > 0);
  assert.equal(last, final.lastUpdateId);
  assert.deepEqual(sorted(bids, true), final.bids);
  assert.deepEqual(sorted(asks, false), final.asks);
  // And the book is consistent: best bid below best ask.
  if (final.bids.length && final.asks.length) assert.ok(D(final.bids[0][0]) < D(final.asks[0][0]));
  await c.close();
});

test('a subscriber connected to the WS port receives events published while others come and go', async () => {
  const stay = await openWs(ex.wsUrl);
  await stay.call('SUBSCRIBE', [`trade@${M}`]);
  const others = [];
  for (let i = 0; i < 20; ++i) {
    const c = await openWs(i % 2 ? ex.wsUrl : ex.wsHttpUrl);
    await c.call('SUBSCRIBE', [`trade@${M}`, `depth@${M}`]);
    if (i % 3) c.ws.close(); else others.push(c);
  }
  await place({ side: 'sell', price: 990, quantity: 1, userId: '1' });
  const bought = await place({ side: 'buy', price: 990, quantity: 1, userId: '2' });
  const t = await stay.next((d) => d.e === 'trade' && d.t === bought.fills[0].tradeId);
  assert.equal(t.p, '990');
  const metrics = await ex.get('/metrics');
  const gauge = /exchange_ws_connections (\d+)/.exec(metrics.text);
  assert.ok(gauge && Number(gauge[1]) >= 1);
  for (const c of others) await c.close();
  await stay.close();
  await eventually(async () => {
    const m = /exchange_ws_connections (\d+)/.exec((await ex.get('/metrics')).text);
    return m && Number(m[1]) === 0;
  }, { what: 'every WebSocket closed' });
});
