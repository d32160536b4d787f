// What a client can make the edge hold: connections, unread replies, unparsed bytes and
// answers to pings are all bounded, and a refusal leaves the exchange serving others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startExchange, rawHttp, splitResponses, sleep, eventually } from './harness.mjs';

const MB = 1 << 20;
let ex;
let page;

before(async () => {
  page = mkdtempSync(path.join(os.tmpdir(), 'exchange-limits-'));
  writeFileSync(path.join(page, 'index.html'), '<html>page</html>');
  writeFileSync(path.join(page, 'big.js'), 'x'.repeat(300 * 1024));
  ex = await startExchange({ demo: false, args: ['--static-dir', page] });
});
after(async () => {
  await ex?.stop();
  rmSync(page, { recursive: true, force: true });
});

/** The exchange's resident memory, in bytes. */
function rss() {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${ex.pid}/status`, 'utf8'))[1];
  return Number(kb) * 1024;
}

/** A socket that writes `payload` and then never reads (its receive window fills up). */
function nonReader(port, payload) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.pause();
      sock.write(payload);
      resolve(sock);
    });
    sock.on('error', () => {});
  });
}

const connected = (port) => new Promise((resolve) => {
  const sock = net.connect(port, '127.0.0.1', () => resolve(sock));
  sock.on('error', () => {});
});

test('clients that pipeline large replies and never read them do not grow the edge', async (t) => {
  const request = 'GET /big.js HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(32);
  const before = rss();
  const socks = await Promise.all(Array.from({ length: 20 }, () => nonReader(ex.httpPort, request)));
  await sleep(1000);
  const grown = rss() - before;
  t.diagnostic(`edge memory grew ${(grown / MB).toFixed(1)} MB`);
  // Unbounded, 20 x 32 replies of 300 KB would be 190 MB; each connection now stops reading
  // requests once about 1 MB of replies waits for it.
  assert.ok(grown < 80 * MB, `grew ${(grown / MB).toFixed(1)} MB`);
  assert.equal((await ex.get('/health')).status, 200);
  for (const s of socks) s.destroy();
});

test('chunk extensions and trailers without end are refused with 431', async () => {
  const head = 'POST /api/v1/on-ramp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
  // 300 KB: past the 256 KB the edge keeps unparsed, and within the 1 MB it reads and
  // discards after a refusal so that the client gets the answer rather than a reset.
  const endless = 300 * 1024;
  for (const tail of [`1;a=${'b'.repeat(endless)}`, `1\r\nx\r\n0\r\nX-T: ${'t'.repeat(endless)}`]) {
    const r = await rawHttp(ex.httpPort, head + tail, { timeoutMs: 5000 });
    assert.equal(splitResponses(r.text)[0]?.status, 431, r.text.slice(0, 200));
    assert.ok(r.closed, 'the connection is closed');
  }
  assert.equal((await ex.get('/health')).status, 200);
});

test('a Transfer-Encoding other than chunked is refused, and nothing after it is read', async () => {
  const smuggle = 'POST /api/v1/on-ramp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n' +
    'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
  const r = await rawHttp(ex.httpPort, smuggle);
  const replies = splitResponses(r.text);
  assert.equal(replies.length, 1, r.text);
  assert.equal(replies[0].status, 400);
  assert.match(replies[0].body, /Transfer-Encoding/);
});

test('a WebSocket client that pings and never reads does not grow the edge', async (t) => {
  const handshake = 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
  // A masked ping with 125 bytes of payload, 2,000 of them per write.
  const ping = Buffer.alloc(2 + 4 + 125, 0x61);
  ping[0] = 0x89;
  ping[1] = 0x80 | 125;
  ping.writeUInt32BE(0, 2);  // mask 0: the payload goes as is
  const burst = Buffer.concat(Array.from({ length: 2000 }, () => ping));
  const sock = await nonReader(ex.wsPort, handshake);
  const before = rss();
  const until = Date.now() + 3000;
  while (Date.now() < until && !sock.destroyed) {
    if (!sock.write(burst)) {
      await new Promise((resolve) => {
        const done = () => { clearTimeout(timer); sock.off('drain', done); resolve(); };
        const timer = setTimeout(done, 50);
        sock.once('drain', done);
      });
    }
  }
  const grown = rss() - before;
  t.diagnostic(`edge memory grew ${(grown / MB).toFixed(1)} MB`);
  // Unbounded, 3 s of pongs nobody reads grew the edge by 50-60 MB a second.
  assert.ok(grown < 32 * MB, `grew ${(grown / MB).toFixed(1)} MB`);
  assert.equal((await ex.get('/health')).status, 200);
  sock.destroy();
});

test('beyond --max-connections new connections are closed at once; room comes back', async () => {
  const small = await startExchange({ demo: false, args: ['--max-connections', '8'] });
  const get = (p) => rawHttp(small.httpPort, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    { timeoutMs: 2000 });
  try {
    const idle = [];
    for (let i = 0; i < 8; ++i) idle.push(await connected(small.httpPort));
    // Once the edge has accepted them all, a new connection is closed with no answer.
    await eventually(async () => {
      const r = await get('/health');
      return r.closed && r.text === '';
    }, { what: 'a connection beyond the limit closed unanswered' });
    for (const s of idle) s.destroy();
    await eventually(async () => splitResponses((await get('/health')).text)[0]?.status === 200,
      { what: 'served again' });
    assert.match((await get('/metrics')).text, /exchange_connections_refused_total [1-9]/);
  } finally {
    await small.stop();
  }
});

test('the WebSocket port answers a malformed or oversized handshake as the REST port does', async () => {
  const garbage = await rawHttp(ex.wsPort, 'THIS IS NOT HTTP\r\n\r\n');
  assert.equal(splitResponses(garbage.text)[0]?.status, 400, garbage.text);
  const big = await rawHttp(ex.wsPort, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20000)}\r\n\r\n`);
  assert.equal(splitResponses(big.text)[0]?.status, 431, big.text);
  assert.equal(JSON.parse(splitResponses(big.text)[0].body).code, 'HEADERS_TOO_LARGE');
});
