// A market whose journal fails stops taking orders (nothing it cannot make durable is
// acknowledged), says so without exposing the server's files, and /ready reports it;
// it shows nothing of what it never acknowledged; the other markets go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startExchange } from './harness.mjs';

test('a market whose journal cannot open its next segment halts; the others trade on', async () => {
  const ex = await startExchange({ demo: true, args: ['--journal-segment-mb', '1'] });
  try {
    // The market's next segment cannot be created: its directory is now a file.
    const dir = path.join(ex.dataDir, 'journal', 'TATA_INR');
    renameSync(dir, `${dir}.moved`);
    writeFileSync(dir, 'not a directory');

    const order = (i) => ex.post('/api/v1/order', {
      market: 'TATA_INR', side: i % 2 ? 'buy' : 'sell', price: 500 + (i % 50), quantity: 0.01,
      userId: '5', clientOrderId: `halt-test-${i}-${'x'.repeat(20)}`,
    });
    let halted = null;
    for (let i = 0; i < 40000 && !halted; i += 20) {
      const replies = await Promise.all(Array.from({ length: 20 }, (_, k) => order(i + k)));
      halted = replies.find((r) => r.status === 503) ?? null;
    }
    // The orders in flight when the write failed were never made durable, so never
    // acknowledged: they time out (503). Every order after them is refused at once.
    assert.ok(halted, 'the market halted when the segment was full');
    assert.equal(halted.json.code, 'UNAVAILABLE');
    const again = await order(1);
    assert.equal(again.status, 503, 'it stays halted');
    assert.match(again.json.message, /TATA_INR is halted/);
    assert.ok(!again.text.includes(ex.dataDir), `no server path in: ${again.text}`);
    const ready = await ex.get('/ready');
    assert.equal(ready.status, 503);
    assert.match(ready.json.message, /halted/);
    assert.match((await ex.get('/metrics')).text, /exchange_markets_halted 1/);
    const other = await ex.post('/api/v1/order', {
      market: 'INFY_INR', side: 'buy', price: 100, quantity: 1, userId: '5',
    });
    assert.equal(other.status, 200, other.text);
    // Its memory holds orders it never acknowledged (and a restart will not replay), so
    // it shows none of its state; the markets list leaves it out.
    for (const p of ['/api/v1/depth?symbol=TATA_INR', '/api/v1/trades?symbol=TATA_INR',
      '/api/v1/tickers?symbol=TATA_INR', '/api/v1/klines?symbol=TATA_INR&interval=1m']) {
      const r = await ex.get(p);
      assert.equal(r.status, 503, `${p}: ${r.text}`);
      assert.match(r.json.message, /TATA_INR is halted/);
    }
    const tickers = await ex.get('/api/v1/tickers');
    assert.equal(tickers.status, 200, tickers.text);
    assert.deepEqual(tickers.json.map((t) => t.symbol), ['INFY_INR']);
    assert.equal((await ex.get('/api/v1/depth?symbol=INFY_INR')).status, 200);
  } finally {
    await ex.stop();
  }
});
