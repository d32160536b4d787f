// A WebSocket client that never reads is closed as a slow consumer (1008 "slow consumer",
// counted in /metrics) while the other subscribers keep receiving every event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startExchange, openWs, eventually, sleep } from './harness.mjs';

let ex;
const M = 'TATA_INR';

before(async () => { ex = await startExchange({ demo: true, args: ['--ws-send-queue', '1024'] }); });
after(async () => { await ex?.stop(); });

// A masked client text frame (RFC 6455 5.2).
function clientFrame(text) {
  const payload = Buffer.from(text);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  let header;
  if (payload.length < 126) header = Buffer.from([0x81, 0x80 | payload.length]);
  else { header = Buffer.alloc(4); header[0] = 0x81; header[1] = 0x80 | 126; header.writeUInt16BE(payload.length, 2); }
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}

// Server frames from a byte stream: [{ opcode, payload }].
function parseFrames(buf) {
  const frames = [];
  let i = 0;
  while (i + 2 <= buf.length) {
    const opcode = buf[i] & 0x0f;
    let len = buf[i + 1] & 0x7f;
    let at = i + 2;
    if (len === 126) { if (at + 2 > buf.length) break; len = buf.readUInt16BE(at); at += 2; }
    else if (len === 127) { if (at + 8 > buf.length) break; len = Number(buf.readBigUInt64BE(at)); at += 8; }
    if (at + len > buf.length) break;
    frames.push({ opcode, payload: buf.subarray(at, at + len) });
    i = at + len;
  }
  return frames;
}

// Opens a raw WebSocket, subscribes, then stops reading from the socket entirely.
async function neverReadingClient(streams) {
  const sock = net.connect(ex.wsPort, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  let received = Buffer.alloc(0);
  let ended = false;
  sock.on('data', (d) => { received = Buffer.concat([received, d]); });
  sock.on('end', () => { ended = true; });
  sock.on('close', () => { ended = true; });
  sock.on('error', () => { ended = true; });
  await eventually(() => received.includes('\r\n\r\n'), { what: 'handshake' });
  assert.match(received.toString('latin1'), /^HTTP\/1\.1 101/);
  received = received.subarray(received.indexOf('\r\n\r\n') + 4);
  sock.write(clientFrame(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id: 1 })));
  await eventually(() => received.length > 0, { what: 'subscription ack' });
  sock.pause();  // from now on the kernel buffers fill up, then the server's queue
  return {
    sock,
    get received() { return received; },
    get ended() { return ended; },
  };
}

async function slowConsumers() {
  const m = /exchange_ws_slow_consumers_total (\d+)/.exec((await ex.get('/metrics')).text);
  return m ? Number(m[1]) : 0;
}

test('a client that never reads is closed as a slow consumer; others keep receiving', async (t) => {
  const intervals = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'];
  const all = ['depth', 'trade', 'fills', 'ticker'].map((k) => `${k}@${M}`).concat(intervals.map((i) => `kline@${M}:${i}`));
  const slow = await neverReadingClient(all);
  const fast = await openWs(ex.wsHttpUrl);
  await fast.call('SUBSCRIBE', [`trade@${M}`]);
  const tradeIds = [];
  fast.ws.addEventListener('message', (e) => { const d = JSON.parse(e.data); if (d.e === 'trade') tradeIds.push(d.t); });

  const before = await slowConsumers();
  let pairs = 0;
  let detected = false;
  const workers = Array.from({ length: 8 }, async (_, w) => {
    while (!detected && pairs < 20000) {
      ++pairs;
      const price = 100 + (w % 4);
      const s = await ex.post('/api/v1/order', { market: M, side: 'sell', price, quantity: 1, userId: '1' });
      const b = await ex.post('/api/v1/order', { market: M, side: 'buy', price, quantity: 1, userId: '2' });
      assert.equal(s.status, 200, s.text);
      assert.equal(b.status, 200, b.text);
    }
  });
  const watcher = (async () => {
    while (!detected && pairs < 20000) {
      await sleep(200);
      if (await slowConsumers() > before) detected = true;
    }
  })();
  await Promise.all([...workers, watcher]);
  assert.ok(detected, `the slow consumer was detected (after ${pairs} trades)`);

  // The fast subscriber got every trade, in order and without gaps, and is still open.
  const lastTrade = (await ex.get(`/api/v1/trades?symbol=${M}&limit=1`)).json[0].id;
  await eventually(() => tradeIds.at(-1) === lastTrade, { timeoutMs: 10000, what: 'the fast subscriber to catch up' });
  for (let i = 1; i < tradeIds.length; ++i) assert.equal(tradeIds[i], tradeIds[i - 1] + 1, 'no trade missed');
  assert.equal(fast.closeInfo, null);
  assert.deepEqual(await fast.call('PING'), { result: 'pong', id: 2 });

  // The slow one: once it reads again it finds the end of the connection, with a close
  // frame 1008 "slow consumer" if the server could still send one.
  slow.sock.resume();
  await eventually(() => slow.ended, { timeoutMs: 20000, what: 'the slow consumer to be closed' });
  const frames = parseFrames(slow.received);
  const close = frames.find((f) => f.opcode === 8);
  t.diagnostic(`detected after ${pairs} trades; the fast subscriber saw ${tradeIds.length} trades; ` +
    `the slow one got ${slow.received.length} bytes, ${close ? 'ending with a close frame' : 'then the connection ended'}`);
  if (close) {
    assert.equal(close.payload.readUInt16BE(0), 1008);
    assert.equal(close.payload.subarray(2).toString(), 'slow consumer');
  }
  const metrics = (await ex.get('/metrics')).text;
  assert.match(metrics, /exchange_ws_connections 1\b/);
  await fast.close();
});
