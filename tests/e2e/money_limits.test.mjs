// Money cannot outgrow its 64-bit fixed-point range, whatever users send: deposits of an
// asset stay within it in all, a trader's turnover does not pile up in a market's books,
// and volumes stop at their largest value. A restart then always recovers what ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startExchange } from './harness.mjs';

const LARGEST = '92233720368.54775807';

async function ok(promise) {
  const r = await promise;
  assert.equal(r.status, 200, `expected 200, got ${r.status}: ${r.text}`);
  return r;
}

test('no deposit, order or trade can overflow a balance, and the exchange restarts', async () => {
  let ex = await startExchange({ demo: false });
  const dataDir = ex.dataDir;
  try {
    const deposit = (userId, amount, asset = 'INR') => ex.post('/api/v1/on-ramp', { userId, amount, asset });
    const order = (o) => ex.post('/api/v1/order', { market: 'TATA_INR', ...o });
    await ok(deposit('w1', '92000000000'));
    const second = await deposit('w2', '92000000000');
    assert.equal(second.status, 400, second.text);
    assert.match(second.json.message, /exceed/);
    await ok(deposit('w2', '233720368'));
    // A whale locks its whole balance and cancels, again and again: each hold is funded
    // into the market's books and must go back out.
    for (let i = 0; i < 3; i++) {
      const r = await ok(order({ side: 'buy', price: '1000', quantity: '92000000', userId: 'w1' }));
      await ok(ex.del('/api/v1/order', { market: 'TATA_INR', orderId: r.json.orderId }));
    }
    // Two traders pass the same 9e7 TATA back and forth at 1000: 9.2e10 INR per trade.
    await ok(deposit('z', '92000000', 'TATA'));
    await ok(deposit('y', '0.01', 'TATA'));
    for (let i = 0; i < 3; i++) {
      const [seller, buyer] = i % 2 ? ['w1', 'z'] : ['z', 'w1'];
      await ok(order({ side: 'sell', price: '1000', quantity: '92000000', userId: seller }));
      const b = await ok(order({ side: 'buy', price: '1000', quantity: '92000000', userId: buyer }));
      assert.equal(b.json.status, 'FILLED');
    }
    const before = {};
    for (const u of ['w1', 'w2', 'z']) before[u] = (await ok(ex.get(`/api/v1/balances?userId=${u}`))).json;
    assert.deepEqual(before.w1.TATA, { available: '92000000', locked: '0' });
    assert.deepEqual(before.z.INR, { available: '92000000000', locked: '0' });
    const metrics = (await ok(ex.get('/metrics'))).text;
    assert.doesNotMatch(metrics, /exchange_ledger_errors_total [1-9]/);

    await ex.stop({ keepData: true });
    ex = await startExchange({ demo: false, dataDir });
    for (const u of ['w1', 'w2', 'z']) {
      assert.deepEqual((await ok(ex.get(`/api/v1/balances?userId=${u}`))).json, before[u], `${u} after the restart`);
    }
  } finally {
    await ex.stop();
  }
});

test('volume past the largest decimal stays there, never negative', async () => {
  const ex = await startExchange({ demo: false });
  try {
    await ok(ex.post('/api/v1/on-ramp', { userId: 'p', amount: '9000000000', asset: 'INFY' }));
    await ok(ex.post('/api/v1/on-ramp', { userId: 'p', amount: '1000000000' }));
    await ok(ex.post('/api/v1/on-ramp', { userId: 'q', amount: '1000000000' }));
    for (let i = 0; i < 11; i++) {
      const [seller, buyer] = i % 2 ? ['q', 'p'] : ['p', 'q'];
      await ok(ex.post('/api/v1/order', { market: 'INFY_INR', side: 'sell', price: '0.01', quantity: '9000000000', userId: seller }));
      await ok(ex.post('/api/v1/order', { market: 'INFY_INR', side: 'buy', price: '0.01', quantity: '9000000000', userId: buyer }));
    }
    const ticker = (await ok(ex.get('/api/v1/tickers?symbol=INFY_INR'))).exact;
    assert.equal(String(ticker.volume), LARGEST);
    const klines = (await ok(ex.get('/api/v1/klines?symbol=INFY_INR&interval=1d'))).exact;
    assert.equal(String(klines.at(-1).volume), LARGEST);
  } finally {
    await ex.stop();
  }
});
