// The exchange behind nginx with TLS, as deploy/nginx/exchange.conf sets it up: the REST
// API over https, the streams over wss://HOST/ws, and the rate limit counting each client
// that nginx forwards (--trusted-proxies) while ignoring what other peers claim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import http from 'node:http';
import tls from 'node:tls';
import { startExchange } from './harness.mjs';
import { startNginx } from './nginx.mjs';

const M = 'TATA_INR';

let ex, proxy, ca, tlsPort, plainPort;

before(async () => {
  ex = await startExchange({ demo: true, args: ['--rate-limit', '5', '--trusted-proxies', '127.0.0.1'] });
  proxy = await startNginx(ex.httpPort);
  ({ ca, tlsPort, plainPort } = proxy);
});

after(async () => {
  await proxy?.stop();
  await ex?.stop();
});

/**
 * One https request through nginx, from `localAddress`: a loopback address of its own for
 * each test, since each is a client for the rate limit.
 */
function request(method, p, body, { localAddress = '127.0.0.10', port = tlsPort, secure = true, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const r = (secure ? https : http).request({
      host: '127.0.0.1', port, path: p, method, ca, localAddress, agent: false,
      headers: { ...headers, ...(payload ? { 'Content-Type': 'application/json' } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch {}
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    r.on('error', reject);
    r.end(payload);
  });
}
const get = (p, opts) => request('GET', p, undefined, opts);

test('the REST API and the page are served over https, and http is redirected', async () => {
  const from = { localAddress: '127.0.0.11' };
  const markets = await get('/api/v1/markets', from);
  assert.equal(markets.status, 200);
  assert.deepEqual(markets.json, (await ex.get('/api/v1/markets')).json);
  const order = await request('POST', '/api/v1/order',
    { market: M, side: 'buy', price: 900, quantity: 1, userId: '1', orderType: 'intraday' }, from);
  assert.equal(order.status, 200, order.text);
  const mine = await get(`/api/v1/order?orderId=${order.json.orderId}&market=${M}`, from);
  assert.equal(mine.json.status, 'NEW');
  const plain = await get('/api/v1/markets', { port: plainPort, secure: false });
  assert.equal(plain.status, 301);
  assert.match(plain.headers.location, /^https:\/\//);
  // Operators' endpoints stay on the exchange's own port.
  for (const p of ['/metrics', '/ready', '/metrics/', '/ready/']) assert.equal((await get(p, from)).status, 404, p);
  assert.equal((await get('/health', from)).status, 200);
});

test('the streams are served over wss://HOST/ws', async () => {
  const ws = await wssConnect('/ws');
  try {
    ws.send({ method: 'SUBSCRIBE', params: [`trade@${M}`], id: 1 });
    assert.deepEqual(await ws.next((m) => m.id === 1), { result: null, id: 1 });
    const from = { localAddress: '127.0.0.12' };
    const sell = await request('POST', '/api/v1/order',
      { market: M, side: 'sell', price: 1003, quantity: 2, userId: '1', orderType: 'intraday' }, from);
    assert.equal(sell.status, 200, sell.text);
    const buy = await request('POST', '/api/v1/order',
      { market: M, side: 'buy', price: 1003, quantity: 2, userId: '2', orderType: 'intraday' }, from);
    assert.equal(buy.status, 200, buy.text);
    const trade = await ws.next((m) => m.e === 'trade' && m.t === buy.json.fills[0].tradeId);
    assert.equal(trade.p, '1003');
    assert.equal(trade.q, '2');
  } finally {
    ws.close();
  }
});

test('the rate limit counts each client nginx forwards, and ignores what others claim', async () => {
  // Client A bursts through nginx until refused.
  const burst = [];
  for (let i = 0; i < 15; ++i) burst.push((await get('/api/v1/markets', { localAddress: '127.0.0.2' })).status);
  assert.ok(burst.includes(429), `client A was never limited: ${burst}`);
  // Client B, through the same nginx (so the same peer for the exchange), is not.
  assert.equal((await get('/api/v1/markets', { localAddress: '127.0.0.3' })).status, 200);
  // A peer that is not a trusted proxy cannot escape its limit by naming other clients.
  const spoofed = [];
  for (let i = 0; i < 15; ++i) {
    spoofed.push((await request('GET', '/api/v1/markets', undefined, {
      port: ex.httpPort, secure: false, localAddress: '127.0.0.4',
      headers: { 'X-Forwarded-For': `198.51.100.${i}` } })).status);
  }
  assert.ok(spoofed.includes(429), `the spoofing peer was never limited: ${spoofed}`);
});

/** A minimal wss client: handshake, masked text frames out, unmasked text frames in. */
function wssConnect(p) {
  return new Promise((resolve, reject) => {
    const sock = tls.connect({ host: '127.0.0.1', port: tlsPort, ca }, () => {
      // With the cookies a browser may carry: a head of a few KB.
      sock.write(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Origin: https://127.0.0.1:${tlsPort}\r\nCookie: session=${'c'.repeat(2000)}\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    });
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const inbox = [];
    const waiters = [];
    const deliver = () => {
      for (let i = 0; i < waiters.length; ++i) {
        const w = waiters[i];
        const at = inbox.findIndex(w.pred);
        if (at >= 0) {
          waiters.splice(i--, 1);
          clearTimeout(w.timer);
          w.resolve(inbox.splice(at, 1)[0]);
        }
      }
    };
    const client = {
      send(obj) {
        const data = Buffer.from(JSON.stringify(obj));
        const mask = Buffer.from([1, 2, 3, 4]);
        const head = data.length < 126 ? Buffer.from([0x81, 0x80 | data.length])
          : Buffer.from([0x81, 0x80 | 126, data.length >> 8, data.length & 255]);
        sock.write(Buffer.concat([head, mask, Buffer.from(data.map((b, i) => b ^ mask[i % 4]))]));
      },
      next(pred, timeoutMs = 5000) {
        return new Promise((res, rej) => {
          const w = { pred, resolve: res };
          w.timer = setTimeout(() => rej(new Error('no such message in time')), timeoutMs);
          waiters.push(w);
          deliver();
        });
      },
      close() { sock.destroy(); },
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!/^HTTP\/1\.1 101/.test(head)) return reject(new Error(`no upgrade: ${head}`));
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve(client);
      }
      for (;;) {
        if (buf.length < 2) break;
        let len = buf[1] & 0x7f;
        let off = 2;
        if (len === 126) { if (buf.length < 4) break; len = buf.readUInt16BE(2); off = 4; }
        else if (len === 127) { if (buf.length < 10) break; len = Number(buf.readBigUInt64BE(2)); off = 10; }
        if (buf.length < off + len) break;
        if ((buf[0] & 0x0f) === 1) inbox.push(JSON.parse(buf.subarray(off, off + len).toString()));
        buf = buf.subarray(off + len);
      }
      deliver();
    });
    sock.on('error', reject);
  });
}
