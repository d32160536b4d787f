// WebSockets on threads of their own (--market-data-threads): both WebSocket endpoints,
// including an upgrade read on a REST thread and moved to a market-data thread, carry the
// protocol and every event, while REST goes on being served.
import { test, before, after } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { startExchange, openWs, eventually } from './harness.mjs';

let ex;
const M = 'TATA_INR';

before(async () => {
  ex = await startExchange({ demo: true, args: ['--io-threads', '2', '--market-data-threads', '2'] });
});
after(async () => { await ex?.stop(); });

test('with market-data threads, both endpoints subscribe and receive every trade', async () => {
  // Four connections per endpoint, so that each market-data thread serves some of each.
  const clients = [];
  for (const url of [ex.wsUrl, ex.wsHttpUrl])
    for (let i = 0; i < 4; ++i) {
      const c = await openWs(url);
      assert.deepEqual(await c.call('SUBSCRIBE', [`trade@${M}`]), { result: null, id: 1 });
      clients.push(c);
    }
  const tradeIds = [];
  for (let i = 0; i < 5; ++i) {
    const sell = await ex.post('/api/v1/order', { market: M, side: 'sell', price: 1001, quantity: 1, userId: '1' });
    assert.equal(sell.status, 200, sell.text);
    const buy = await ex.post('/api/v1/order', { market: M, side: 'buy', price: 1001, quantity: 1, userId: '2' });
    assert.equal(buy.status, 200, buy.text);
    tradeIds.push(buy.json.fills[0].tradeId);
  }
  for (const c of clients) {
    const got = [];
    for (const id of tradeIds) got.push((await c.next((d) => d.e === 'trade' && d.t === id)).t);
    assert.deepEqual(got, tradeIds);
    assert.deepEqual((await c.call('LIST_SUBSCRIPTIONS')).result, [`trade@${M}`]);
    await c.close();
  }
  await eventually(async () => /^exchange_ws_connections 0$/m.test((await ex.get('/metrics')).text),
    { what: 'every WebSocket counted closed' });
});

test('the market-data threads exist beside the REST threads', async () => {
  // The io threads carry the program's name (CAF's are caf.*), as do the main thread and
  // any other the configuration starts: against the same configuration sharing its REST
  // threads, two more.
  const named = (pid) => readdirSync(`/proc/${pid}/task`)
    .filter((t) => readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim() === 'exchange').length;
  const shared = await startExchange({ demo: true, args: ['--io-threads', '2', '--market-data-threads', '0'] });
  try {
    assert.equal(named(ex.pid) - named(shared.pid), 2);
  } finally {
    await shared.stop();
  }
});

test('--market-data-threads is checked', async () => {
  await assert.rejects(startExchange({ demo: true, args: ['--market-data-threads', '-1'] }));
  await assert.rejects(startExchange({ demo: true, args: ['--market-data-threads', '65'] }));
});
