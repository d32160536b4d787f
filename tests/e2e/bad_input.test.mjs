// Bad input end to end: every malformed or refused request gets a clear 4xx naming what is
// wrong, the process survives, and nothing changes (balances, open orders, the book).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startExchange, rawHttp, splitResponses, openWs, sleep } from './harness.mjs';

let ex;
const M = 'TATA_INR';
let restingId;

before(async () => {
  ex = await startExchange({ demo: true });
  await ex.post('/api/v1/on-ramp', { userId: 'victim', amount: 1000 });
  await ex.post('/api/v1/on-ramp', { userId: 'victim', amount: 10, asset: 'TATA' });
  const r = await ex.post('/api/v1/order', { market: M, side: 'sell', price: 500, quantity: 2, userId: 'victim' });
  assert.equal(r.status, 200, r.text);
  restingId = r.json.orderId;
});
after(async () => { await ex?.stop(); });

// Everything a bad request must leave untouched.
async function state() {
  const [b1, b2, open, depth, trades] = await Promise.all([
    ex.get('/api/v1/balances?userId=victim'), ex.get('/api/v1/balances?userId=5'),
    ex.get(`/api/v1/order/open?userId=victim&market=${M}`), ex.get(`/api/v1/depth?symbol=${M}`),
    ex.get(`/api/v1/trades?symbol=${M}`),
  ]);
  return [b1.text, b2.text, open.text, depth.text, trades.text].join('\n');
}

async function expectError(response, status, code, fieldOrText) {
  const r = await response;
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text}`);
  assert.ok(r.json && typeof r.json.code === 'string' && typeof r.json.message === 'string', r.text);
  assert.deepEqual(Object.keys(r.json), ['code', 'message']);
  if (code) assert.equal(r.json.code, code, r.text);
  if (fieldOrText) assert.ok(r.json.message.includes(fieldOrText), `message names ${fieldOrText}: ${r.json.message}`);
  return r.json;
}

const order = (over) => ({ market: M, side: 'buy', price: 100, quantity: 1, userId: '5', orderType: 'intraday', ...over });

test('malformed JSON and non-objects', async () => {
  const before = await state();
  for (const body of ['{', '{"market":', 'not json', '{"a":1,}', "{'market':'TATA_INR'}", '[1,2]', '5', '"x"',
    'null', '{"price":01}', '{"price":NaN}', '{"price":1e999}', '{"a":"\\x"}', '\u0000'])
    await expectError(ex.post('/api/v1/order', body), 400, undefined);
  const deep = '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
  await expectError(ex.post('/api/v1/order', deep), 400, 'INVALID_JSON', 'nested too deeply');
  await expectError(ex.post('/api/v1/order', ''), 400, 'INVALID_JSON', 'empty');
  await expectError(ex.post('/api/v1/on-ramp', '{"userId":"5","amount":}'), 400, 'INVALID_JSON');
  // A JSON parser may stop at a NUL byte as at the end of its input; what follows counts.
  await expectError(ex.post('/api/v1/on-ramp', '{"userId":"victim","amount":5}\u0000 not JSON'), 400,
    'INVALID_JSON', 'NUL');
  await expectError(ex.post('/api/v1/order', JSON.stringify(order()) + '\u0000'), 400, 'INVALID_JSON');
  assert.equal(await state(), before);
});

test('missing fields are named', async () => {
  const before = await state();
  for (const field of ['market', 'side', 'price', 'quantity', 'userId']) {
    const o = order(); delete o[field];
    await expectError(ex.post('/api/v1/order', o), 400, 'MISSING_FIELD', `'${field}'`);
  }
  await expectError(ex.del('/api/v1/order', { market: M }), 400, 'MISSING_FIELD', 'orderId');
  await expectError(ex.del('/api/v1/order', { orderId: restingId }), 400, 'MISSING_FIELD', 'market');
  await expectError(ex.post('/api/v1/on-ramp', { userId: '5' }), 400, 'MISSING_FIELD', 'amount');
  await expectError(ex.post('/api/v1/on-ramp', { amount: 5 }), 400, 'MISSING_FIELD', 'userId');
  await expectError(ex.get(`/api/v1/depth`), 400, 'MISSING_FIELD', 'symbol');
  await expectError(ex.get(`/api/v1/balances`), 400, 'MISSING_FIELD', 'userId');
  await expectError(ex.get(`/api/v1/order/open?market=${M}`), 400, 'MISSING_FIELD', 'userId');
  await expectError(ex.get(`/api/v1/klines?symbol=${M}`), 400, 'MISSING_FIELD', 'interval');
  assert.equal(await state(), before);
});

test('wrong types are named', async () => {
  const before = await state();
  const cases = [
    [{ side: 1 }, 'side'], [{ side: 'hold' }, 'side'], [{ market: 7 }, 'market'], [{ price: {} }, 'price'],
    [{ price: [1] }, 'price'], [{ price: true }, 'price'], [{ quantity: 'lots' }, 'quantity'], [{ userId: true }, 'userId'],
    [{ userId: '' }, 'userId'], [{ userId: 'a b' }, 'userId'], [{ userId: 'x'.repeat(65) }, 'userId'], [{ userId: 1.5 }, 'userId'],
    [{ postOnly: 'yes' }, 'postOnly'], [{ type: 'stop' }, 'type'], [{ timeInForce: 'GTD' }, 'timeInForce'],
    [{ orderType: 'swing' }, 'orderType'], [{ clientOrderId: 'has space' }, 'clientOrderId'],
    [{ clientOrderId: 'c'.repeat(37) }, 'clientOrderId'], [{ clientOrderId: {} }, 'clientOrderId'],
  ];
  for (const [over, field] of cases) await expectError(ex.post('/api/v1/order', order(over)), 400, undefined, field);
  await expectError(ex.post('/api/v1/on-ramp', { userId: '5', amount: 'ten' }), 400, 'INVALID_QUANTITY', 'amount');
  await expectError(ex.post('/api/v1/on-ramp', { userId: '5', amount: 5, asset: 'BTC' }), 400, 'INVALID_FIELD', 'asset');
  await expectError(ex.get(`/api/v1/depth?symbol=${M}&limit=abc`), 400, 'INVALID_FIELD', 'limit');
  await expectError(ex.get(`/api/v1/depth?symbol=${M}&limit=0`), 400, 'INVALID_FIELD', 'limit');
  await expectError(ex.get(`/api/v1/orders?userId=5&market=${M}&limit=100000`), 400, 'INVALID_FIELD', 'limit');
  await expectError(ex.get(`/api/v1/klines?symbol=${M}&interval=2h`), 400, 'INVALID_FIELD', 'interval');
  await expectError(ex.get(`/api/v1/klines?symbol=${M}&interval=1h&startTime=yesterday`), 400, 'INVALID_FIELD', 'startTime');
  assert.equal(await state(), before);
});

test('negative, zero, too precise, off-tick and huge numbers', async () => {
  const before = await state();
  const cases = [
    [{ price: -1 }, 'INVALID_PRICE', 'price'], [{ price: 0 }, 'INVALID_PRICE', 'price'],
    [{ price: '-0.5' }, 'INVALID_PRICE', 'price'], [{ price: 100.001 }, 'INVALID_PRICE', 'tick'],
    [{ price: 1.123456789 }, 'INVALID_PRICE', 'price'], [{ price: '1e30' }, 'INVALID_PRICE', 'price'],
    [{ price: '92233720368.54775808' }, 'INVALID_PRICE', 'price'], [{ price: '1,5' }, 'INVALID_PRICE', 'price'],
    [{ price: ' 100' }, 'INVALID_PRICE', 'price'], [{ price: '0x10' }, 'INVALID_PRICE', 'price'],
    [{ quantity: 0 }, 'INVALID_QUANTITY', 'quantity'], [{ quantity: -2 }, 'INVALID_QUANTITY', 'quantity'],
    [{ quantity: 0.001 }, 'INVALID_QUANTITY', 'step'], [{ quantity: '1e-9' }, 'INVALID_QUANTITY', 'quantity'],
    [{ quantity: 1e20 }, 'INVALID_QUANTITY', 'quantity'],
  ];
  for (const [over, code, text] of cases) await expectError(ex.post('/api/v1/order', order(over)), 400, code, text);
  // What a market order would not honour is refused, not ignored.
  const market = (over) => order({ type: 'market', price: undefined, ...over });
  await expectError(ex.post('/api/v1/order', market({ price: 100 })), 400, 'INVALID_PRICE', 'market order has no price');
  await expectError(ex.post('/api/v1/order', market({ timeInForce: 'GTC' })), 400, 'INVALID_FIELD', 'timeInForce');
  await expectError(ex.post('/api/v1/order', market({ quantity: undefined, quoteQuantity: '100.999' })), 400,
    'INVALID_QUANTITY', 'quoteQuantity');
  await expectError(ex.post('/api/v1/order', order({ price: 0.01, quantity: 0.01 })), 422, 'MIN_NOTIONAL', 'minimum');
  for (const amount of [0, -5, '1.001', '1e400', 'NaN', '', null])
    await expectError(ex.post('/api/v1/on-ramp', { userId: 'victim', amount }), 400, undefined, 'amount');
  assert.equal(await state(), before);
  // Exponent forms are exact decimals: 1e2 is a price of 100.
  const ok = await ex.post('/api/v1/order', order({ price: '1e2', quantity: 2.5e-1, userId: '5' }));
  assert.equal(ok.status, 200, ok.text);
  const o = await ex.get(`/api/v1/order?orderId=${ok.json.orderId}&market=${M}`);
  assert.equal(o.json.price, '100');
  assert.equal(o.json.quantity, '0.25');
  assert.equal((await ex.del('/api/v1/order', { orderId: ok.json.orderId, market: M })).status, 200);
});

test('unknown market, order and user; cancelling someone else order', async () => {
  const before = await state();
  await expectError(ex.post('/api/v1/order', order({ market: 'NOPE_INR' })), 404, 'UNKNOWN_MARKET', 'NOPE_INR');
  await expectError(ex.get('/api/v1/depth?symbol=NOPE_INR'), 404, 'UNKNOWN_MARKET');
  await expectError(ex.get('/api/v1/trades?symbol=NOPE_INR'), 404, 'UNKNOWN_MARKET');
  await expectError(ex.get('/api/v1/tickers?symbol=NOPE_INR'), 404, 'UNKNOWN_MARKET');
  await expectError(ex.get('/api/v1/klines?symbol=NOPE_INR&interval=1h'), 404, 'UNKNOWN_MARKET');
  await expectError(ex.del('/api/v1/order', { orderId: 'zzzzzz', market: M }), 404, 'UNKNOWN_ORDER');
  await expectError(ex.del('/api/v1/order', { orderId: '!!', market: M }), 404, 'UNKNOWN_ORDER');
  await expectError(ex.del('/api/v1/order', { orderId: restingId, market: 'INFY_INR' }), 404, 'UNKNOWN_ORDER');
  await expectError(ex.get(`/api/v1/order?orderId=zzzzzz&market=${M}`), 404);
  await expectError(ex.get('/api/v1/balances?userId=nobody'), 404, 'UNKNOWN_USER');
  await expectError(ex.del('/api/v1/orders', { market: M, userId: 'nobody' }), 404, 'UNKNOWN_USER');
  await expectError(ex.get('/api/v1/nothing'), 404, 'NOT_FOUND', 'GET, HEAD /api/v1/order/open');
  // Someone else's order: as unknown as a missing one, and it stays open.
  await expectError(ex.del('/api/v1/order', { orderId: restingId, market: M, userId: '5' }), 404, 'UNKNOWN_ORDER');
  await expectError(ex.get(`/api/v1/order?orderId=${restingId}&market=${M}&userId=5`), 404, 'UNKNOWN_ORDER');
  const open = await ex.get(`/api/v1/order/open?userId=victim&market=${M}`);
  assert.equal(open.json.length, 1);
  assert.equal(open.json[0].orderId, restingId);
  assert.equal(await state(), before);
});

test('oversized bodies, headers and broken HTTP', async () => {
  const before = await state();
  const big = JSON.stringify(order({ pad: 'x'.repeat(70 * 1024) }));
  await expectError(ex.post('/api/v1/order', big), 413, 'BODY_TOO_LARGE');
  // Announced but never sent in full: refused from the header alone.
  const announced = await rawHttp(ex.httpPort,
    `POST /api/v1/order HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"market":`);
  assert.equal(splitResponses(announced.text)[0]?.status, 413);
  const headers = await rawHttp(ex.httpPort, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20000)}\r\n\r\n`);
  assert.equal(splitResponses(headers.text)[0]?.status, 431);
  const garbage = await rawHttp(ex.httpPort, 'THIS IS NOT HTTP\r\n\r\n');
  assert.equal(splitResponses(garbage.text)[0]?.status, 400);
  const bad = await rawHttp(ex.httpPort, 'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n');
  assert.equal(splitResponses(bad.text)[0]?.status, 400);
  // A client that sends half a request and disappears costs nothing.
  await rawHttp(ex.httpPort, 'POST /api/v1/order HTTP/1.1\r\nContent-Length: 50\r\n\r\n{"ma', { timeoutMs: 200, endAfterWrite: true });
  assert.equal((await ex.get('/health')).status, 200);
  assert.equal(await state(), before);
});

test('invalid WebSocket messages get errors and the connection stays open', async () => {
  const c = await openWs(ex.wsUrl);
  const cases = [
    ['not json', 'INVALID_JSON'], ['[1,2]', 'INVALID_JSON'], ['{"params":["depth@TATA_INR"]}', 'MISSING_FIELD'],
    ['{"method":"JUMP","id":5}', 'INVALID_FIELD'], ['{"method":"SUBSCRIBE","id":6}', 'MISSING_FIELD'],
    ['{"method":"SUBSCRIBE","params":"depth@TATA_INR","id":7}', 'INVALID_FIELD'],
    ['{"method":"SUBSCRIBE","params":[5],"id":8}', 'INVALID_FIELD'], ['{"method":"SUBSCRIBE","params":[],"id":9}', 'INVALID_FIELD'],
    ['{"method":"SUBSCRIBE","params":["depth@NOPE_INR"],"id":10}', 'UNKNOWN_MARKET'],
    ['{"method":"SUBSCRIBE","params":["bogus@TATA_INR"],"id":11}', undefined],
    ['{"method":"SUBSCRIBE","params":["kline@TATA_INR:2h"],"id":12}', undefined],
    ['{"method":"SUBSCRIBE","params":["nonsense"],"id":13}', 'INVALID_FIELD'],
    ['{"method":"SUBSCRIBE","params":["depth@TATA_INR"],"id":{"x":1}}', 'INVALID_FIELD'],
    ['{"method":"PING"}\u0000 then anything', 'INVALID_JSON'],
  ];
  for (const [text, code] of cases) {
    c.send(text);
    const reply = await c.next((d) => 'error' in d);
    assert.deepEqual(Object.keys(reply), ['error', 'id']);
    assert.deepEqual(Object.keys(reply.error), ['code', 'message']);
    if (code) assert.equal(reply.error.code, code, `${text} -> ${JSON.stringify(reply)}`);
    const id = /"id":(\d+)/.exec(text);
    assert.equal(reply.id, id ? Number(id[1]) : null);
  }
  // A failed SUBSCRIBE is all or nothing.
  const mixed = await c.call('SUBSCRIBE', [`depth@${M}`, 'depth@NOPE_INR']);
  assert.ok(mixed.error);
  assert.deepEqual((await c.call('LIST_SUBSCRIPTIONS')).result, []);
  c.ws.send(new Uint8Array([1, 2, 3]));  // binary
  assert.ok((await c.next((d) => 'error' in d)).error);
  assert.deepEqual(await c.call('PING'), { result: 'pong', id: 3 });
  assert.equal(c.closeInfo, null);
  await c.close();
});

test('a message over the size limit, with more behind it: the replies before it, then a clean 1009', async () => {
  // The client's last bytes are still unread when the exchange closes: it must read them
  // rather than close over them, or the kernel's reset destroys what the client has not read.
  const big = JSON.stringify({ method: 'SUBSCRIBE', params: Array(2000).fill('depth@TATA_INR'), id: 5 });
  for (const url of [ex.wsUrl, ex.wsHttpUrl]) {
    for (let run = 0; run < 6; ++run) {
      const c = await openWs(url);
      c.send({ method: 'SUBSCRIBE', params: ['depth@TATA_INR'], id: 1 });
      c.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
      c.send(big);
      c.send({ method: 'PING', id: 6 });
      const closed = await c.closed;
      assert.equal(closed.code, 1009, `${url} run ${run}`);
      assert.deepEqual(c.take((m) => m.id !== undefined).map((m) => m.id), [1, 2], `${url} run ${run}`);
    }
  }
});

test('thousands of subscriptions on one socket are bounded', async () => {
  const c = await openWs(ex.wsHttpUrl);
  const markets = ['TATA_INR', 'INFY_INR'];
  const kinds = ['depth', 'trade', 'fills', 'ticker', ...['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'].map((i) => `kline:${i}`)];
  const valid = markets.flatMap((m) => kinds.map((k) => (k.startsWith('kline:') ? `kline@${m}:${k.slice(6)}` : `${k}@${m}`)));
  for (let i = 0; i < 3000; ++i) c.send({ method: 'SUBSCRIBE', params: [valid[i % valid.length]], id: 10000 + i });
  await c.next((d) => d.id === 12999, 20000);
  c.take();
  assert.deepEqual((await c.call('LIST_SUBSCRIPTIONS')).result.sort(), [...valid].sort());
  // More distinct streams than a connection may hold, in one request.
  const many = Array.from({ length: 100 }, (_, i) => `depth@M${i}_INR`);
  const refused = await c.call('SUBSCRIBE', many);
  assert.equal(refused.error.code, 'TOO_MANY_STREAMS');
  // Subscribing to each of thousands of names, one by one: every one answered, none kept.
  for (let i = 0; i < 2000; ++i) c.send({ method: 'SUBSCRIBE', params: [`trade@X${i}_INR`], id: 100000 + i });
  const last = await c.next((d) => d.id === 101999, 20000);
  c.take();
  assert.ok(last.error);
  assert.equal((await c.call('LIST_SUBSCRIPTIONS')).result.length, valid.length);
  assert.equal(c.closeInfo, null);
  // A message over the size limit closes the connection (1009), nothing else.
  c.send({ method: 'SUBSCRIBE', params: Array.from({ length: 2000 }, (_, i) => `depth@MARKET${i}_INR`), id: 1 });
  const closed = await c.closed;
  assert.equal(closed.code, 1009);
  assert.equal((await ex.get('/health')).status, 200);
  await sleep(50);
});
