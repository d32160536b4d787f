// Market snapshots, seen from outside: the pause a snapshot costs a market, and the
// encoding done off its thread, are in /metrics; a restart from a snapshot keeps the book.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeDir, startExchange } from './harness.mjs';

const M = 'TATA_INR';
const SNAPSHOT_EVERY = 4;
let dir;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-snapshots-'));
});
after(() => removeDir(dir));  // and the Redis server of a --bus run

function count(metrics, name) {
  const m = new RegExp(`^${name}_count\\{market="${M}"\\} (\\d+)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : 0;
}

test('snapshots are timed in /metrics and a restart starts from one', async () => {
  const args = ['--snapshot-every', String(SNAPSHOT_EVERY)];
  let ex = await startExchange({ demo: true, dataDir: dir, args });
  const resting = [];
  try {
    for (let i = 0; i < 2 * SNAPSHOT_EVERY; ++i) {
      const r = await ex.post('/api/v1/order', { market: M, side: 'buy', price: 900 + i, quantity: 1, userId: '1' });
      assert.equal(r.status, 200, r.text);
      resting.push(r.json.orderId);
    }
    const metrics = (await ex.get('/metrics')).text;
    assert.ok(count(metrics, 'exchange_snapshot_pause_seconds') >= 2, 'two snapshots were taken');
    // Encoding happens on a thread of its own, after the pause: wait for it.
    let encoded = 0;
    for (let i = 0; i < 50 && encoded < 2; ++i) {
      encoded = count((await ex.get('/metrics')).text, 'exchange_snapshot_encode_seconds');
      if (encoded < 2) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(encoded >= 2, `two snapshots were encoded (${encoded})`);
  } finally {
    await ex.stop({ keepData: true });
  }
  const snaps = readdirSync(path.join(dir, 'journal', M)).filter((f) => /^snapshot-\d+\.snap$/.test(f));
  assert.ok(snaps.some((f) => Number(f.match(/\d+/)[0]) >= SNAPSHOT_EVERY), `a snapshot on disk: ${snaps}`);
  ex = await startExchange({ demo: false, dataDir: dir, args });
  try {
    const open = await ex.get(`/api/v1/order/open?userId=1&market=${M}`);
    assert.equal(open.status, 200, open.text);
    assert.deepEqual(open.json.map((o) => o.orderId).sort(), [...resting].sort());
  } finally {
    await ex.stop();
  }
});
