// The exchange behind nginx with TLS, as deploy/nginx/exchange.conf sets it up: the REST
// API over https, the streams over wss://HOST/ws, and the rate limit counting each client
// that nginx forwards (--trusted-proxies) while ignoring what other peers claim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExchange, freePort, eventually } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SITE = path.resolve(here, '../../deploy/nginx/exchange.conf');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync);
const M = 'TATA_INR';

let ex, nginx, dir, ca, tlsPort, plainPort;

before(async () => {
  assert.ok(NGINX, 'nginx is not installed (deploy/install-deps.sh --test installs it)');
  ex = await startExchange({ demo: true, args: ['--rate-limit', '5', '--trusted-proxies', '127.0.0.1'] });
  dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-nginx-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  ca = readFileSync(path.join(dir, 'cert.pem'));
  tlsPort = await freePort();
  plainPort = await freePort();

  // The shipped site, with this test's ports and files: each replacement must apply.
  let site = readFileSync(SITE, 'utf8');
  for (const [from, to] of [
    ['server 127.0.0.1:3001;', `server 127.0.0.1:${ex.httpPort};`],
    ['listen 80;', `listen 127.0.0.1:${plainPort};`],
    ['listen 443 ssl;', `listen 127.0.0.1:${tlsPort} ssl;`],
    ['/etc/ssl/certs/exchange.pem', path.join(dir, 'cert.pem')],
    ['/etc/ssl/private/exchange.key', path.join(dir, 'key.pem')],
  ]) {
    assert.ok(site.includes(from), `deploy/nginx/exchange.conf no longer has "${from}"`);
    site = site.replace(from, to);
  }
  writeFileSync(path.join(dir, 'exchange.conf'), site);
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
  writeFileSync(path.join(dir, 'nginx.conf'), [
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`,
    'events { worker_connections 256; }',
    'http {', '  access_log off;',
    ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `  ${d === 'body' ? 'client_body' : d}_temp_path ${dir}/${d};`),
    `  include ${dir}/exchange.conf;`, '}', ''].join('\n'));
  nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  nginx.stderr.on('data', (d) => { output += d; });
  await eventually(async () => (await get('/health').catch(() => null))?.status === 200,
    { timeoutMs: 10000, what: `nginx serving (${output})` });
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.on('exit', resolve));
    process.kill(nginx.pid, 'SIGTERM');
    await exited;
  }
  await ex?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
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
      sock.write(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
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
