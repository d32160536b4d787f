// What keeps a node's data whole: one node per data directory, a journal deleted under a
// running node halts its markets, and a node does not start on a journal that does not
// belong with its storage, without a market its journal still holds, or under market rules
// other than those its journal was written under; at --durability none, a journal cut short
// behind storage is accepted, and what storage holds of the lost records is never given
// again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeDir, startExchange } from './harness.mjs';

const order = (ex, market, userId) => ex.post('/api/v1/order', {
  market, side: 'buy', price: 100, quantity: 1, userId,
});

test('a second node on the same data directory is refused; the first serves on', async () => {
  const ex = await startExchange();
  try {
    await assert.rejects(startExchange({ dataDir: ex.dataDir }),
      new RegExp(`data directory ${ex.dataDir} is in use by another exchange \\(pid ${ex.pid}\\)`));
    assert.equal((await order(ex, 'TATA_INR', '5')).status, 200);
  } finally {
    await ex.stop();
  }
});

test('a journal deleted under a running node halts its markets: nothing more is acknowledged', async () => {
  const ex = await startExchange();
  try {
    assert.equal((await order(ex, 'TATA_INR', '5')).status, 200);
    rmSync(path.join(ex.dataDir, 'journal'), { recursive: true, force: true });
    // What goes to a deleted file would be gone at the next start: refused, not acknowledged.
    for (const market of ['TATA_INR', 'INFY_INR']) {
      const r = await order(ex, market, '5');
      assert.equal(r.status, 503, `${market}: ${r.text}`);
    }
    const deposit = await ex.post('/api/v1/on-ramp', { userId: '5', amount: '1' });
    assert.equal(deposit.status, 503, deposit.text);
    assert.equal((await ex.get('/ready')).status, 503);
    assert.match(ex.output(), /was deleted/);
  } finally {
    await ex.stop();
  }
});

test('a node does not start on a journal that does not belong with its storage', async () => {
  const ex = await startExchange();
  const dir = ex.dataDir;
  try {
    assert.equal((await order(ex, 'TATA_INR', '5')).status, 200);
    await ex.stop({ keepData: true });
    // Storage remembers how far it has each journal: without the journal, the books and
    // balances clients were told about would be gone.
    rmSync(path.join(dir, 'journal'), { recursive: true, force: true });
    await assert.rejects(startExchange({ dataDir: dir }),
      /storage holds \S+ up to journal record \d+, but the journal in \S+ does not exist: the journal does not belong with this storage/);
  } finally {
    removeDir(dir);
  }
});

test('a node does not start without a market its journal holds', async () => {
  const ex = await startExchange();
  const dir = ex.dataDir;
  try {
    assert.equal((await order(ex, 'INFY_INR', '5')).status, 200);
    await ex.stop({ keepData: true });
    const config = path.join(dir, 'one-market.toml');
    writeFileSync(config, [
      '[[assets]]', 'name = "TATA"', 'decimals = 2', '[[assets]]', 'name = "INR"', 'decimals = 2',
      '[[markets]]', 'id = 1', 'base = "TATA"', 'quote = "INR"', 'tick_size = "0.01"', 'step_size = "0.01"', '',
    ].join('\n'));
    await assert.rejects(startExchange({ dataDir: dir, args: ['--config', config] }),
      /the journal holds market INFY_INR, which is not configured/);
    // A directory without journal files is no market's (a disk mounted there has lost+found).
    mkdirSync(path.join(dir, 'journal', 'lost+found'));
    // With the market configured again, the node starts and the order is still there.
    const again = await startExchange({ dataDir: dir });
    try {
      const open = await again.get('/api/v1/order/open?userId=5&market=INFY_INR');
      assert.equal(open.json.length, 1, open.text);
    } finally {
      await again.stop({ keepData: true });
    }
  } finally {
    removeDir(dir);
  }
});

test('a node does not start under market rules other than those its journals began with', async () => {
  const ex = await startExchange();
  const dir = ex.dataDir;
  try {
    assert.equal((await order(ex, 'TATA_INR', '5')).status, 200);
    await ex.stop({ keepData: true });
    // Replay would match the journal's orders under the new self-trade policy.
    await assert.rejects(startExchange({ dataDir: dir, args: ['--stp', 'cancel_taker'] }),
      /the rules of the market in \S+ changed since its journal began \(stp cancel_resting -> cancel_taker\)/);
    const again = await startExchange({ dataDir: dir });
    try {
      const open = await again.get('/api/v1/order/open?userId=5&market=TATA_INR');
      assert.equal(open.json.length, 1, open.text);
    } finally {
      await again.stop({ keepData: true });
    }
  } finally {
    removeDir(dir);
  }
});

test('at --durability none, a journal that lost records storage holds goes on after them', async () => {
  // What a machine's crash can leave at this level: storage has rows of commands that the
  // (unsynced) journal lost. Made here by putting back an older copy of the journal.
  const args = ['--durability', 'none'];
  const ex = await startExchange({ args });
  const dir = ex.dataDir;
  const journal = path.join(dir, 'journal', 'TATA_INR');
  const saved = `${dir}-journal-copy`;
  const trade = async (node, price) => {
    const sell = await node.post('/api/v1/order', { market: 'TATA_INR', side: 'sell', price, quantity: 1, userId: '1' });
    assert.equal(sell.status, 200, sell.text);
    const buy = await node.post('/api/v1/order', { market: 'TATA_INR', side: 'buy', price, quantity: 1, userId: '2' });
    assert.equal(buy.status, 200, buy.text);
    assert.equal(buy.json.fills.length, 1, buy.text);
    return buy.json.fills[0].tradeId;
  };
  try {
    await trade(ex, 101);
    await ex.stop({ keepData: true });
    cpSync(journal, saved, { recursive: true });
    const second = await startExchange({ dataDir: dir, args });
    const lost = await trade(second, 102);  // stored, then lost from the journal
    await second.stop({ keepData: true });
    rmSync(journal, { recursive: true, force: true });
    cpSync(saved, journal, { recursive: true });

    const third = await startExchange({ dataDir: dir, args });
    const next = await trade(third, 103);
    assert.ok(next > lost, `trade id ${next} given again: storage holds trade ${lost}`);
    await third.stop({ keepData: true });
    // The next start reads the journal across its gap, and storage has each trade once.
    const fourth = await startExchange({ dataDir: dir, args });
    try {
      const trades = (await fourth.get('/api/v1/trades?symbol=TATA_INR&limit=10')).json;
      assert.deepEqual(trades.map((t) => [t.id, t.price]),
        [[next, '103'], [lost, '102'], [lost - 1, '101']]);
      assert.equal(await trade(fourth, 104), next + 1);
    } finally {
      await fourth.stop();
    }
  } finally {
    removeDir(dir);
    rmSync(saved, { recursive: true, force: true });
  }
});
