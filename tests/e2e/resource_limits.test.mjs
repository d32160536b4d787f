// What a client can make the edge hold: connections, unread replies, unparsed bytes and
// answers to pings are all bounded, and a refusal leaves the exchange serving others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync, readdirSync, readlinkSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
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

/**
 * Asserts that the edge grew by less than `limit` bytes. Not under deploy/sanitize.sh:
 * AddressSanitizer keeps freed memory aside (its quarantine) and maps shadow memory, so
 * resident memory there says nothing of what the edge buffers.
 */
function assertGrewLess(t, grown, limit) {
  t.diagnostic(`edge memory grew ${(grown / MB).toFixed(1)} MB`);
  if (process.env.EXCHANGE_SANITIZED) return t.diagnostic('not checked: a sanitized build');
  assert.ok(grown < limit, `grew ${(grown / MB).toFixed(1)} MB`);
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
  // Unbounded, 20 x 32 replies of 300 KB would be 190 MB; each connection now stops reading
  // requests once about 1 MB of replies waits for it.
  assertGrewLess(t, rss() - before, 80 * MB);
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
  // Unbounded, 3 s of pongs nobody reads grew the edge by 50-60 MB a second.
  assertGrewLess(t, rss() - before, 32 * MB);
  assert.equal((await ex.get('/health')).status, 200);
  sock.destroy();
});

test('beyond --max-open-orders a user\'s new orders in that market are refused; a cancel makes room', async () => {
  const small = await startExchange({ demo: false, args: ['--max-open-orders', '3'] });
  const order = (price, market = 'TATA_INR') => small.post('/api/v1/order',
    { market, side: 'buy', price, quantity: 1, userId: 'hoarder' });
  try {
    for (const asset of ['INR', 'TATA']) {
      const r = await small.post('/api/v1/on-ramp', { userId: 'hoarder', asset, amount: 100000 });
      assert.equal(r.status, 200, r.text);
    }
    const ids = [];
    for (const price of [100, 101, 102]) {
      const r = await order(price);
      assert.equal(r.status, 200, r.text);
      ids.push(r.json.orderId);
    }
    const before = (await small.get('/api/v1/balances?userId=hoarder')).json;
    const refused = await order(103);
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.json.code, 'TOO_MANY_ORDERS');
    assert.match(refused.json.message, /at most 3 open orders in TATA_INR/);
    assert.deepEqual((await small.get('/api/v1/balances?userId=hoarder')).json, before);  // nothing held
    // Another market counts on its own; a cancel makes room.
    const markets = (await small.get('/api/v1/markets')).json.map((m) => m.symbol);
    const other = markets.find((m) => m !== 'TATA_INR' && m.endsWith('_INR'));
    assert.equal((await order(100, other)).status, 200);
    const cancel = await small.del('/api/v1/order', { orderId: ids[0], market: 'TATA_INR', userId: 'hoarder' });
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal((await order(103)).status, 200);
    assert.equal((await small.get('/api/v1/order/open?userId=hoarder&market=TATA_INR')).json.length, 3);
  } finally {
    await small.stop();
  }
});

test('beyond --max-users a deposit for a new user is refused; existing users go on, across a restart', async () => {
  const args = ['--max-users', '2'];
  let small = await startExchange({ demo: false, args });
  const dir = small.dataDir;
  const deposit = (userId) => small.post('/api/v1/on-ramp', { userId, asset: 'INR', amount: 100 });
  try {
    assert.equal((await deposit('first')).status, 200);
    assert.equal((await deposit('second')).status, 200);
    const refused = await deposit('third');
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.json.code, 'TOO_MANY_USERS');
    assert.match(refused.json.message, /limit of 2 users/);
    assert.equal((await small.get('/api/v1/balances?userId=third')).status, 404);  // not created
    assert.equal((await deposit('first')).status, 200);
    await small.stop({ keepData: true });
    // The accounts recovery restores count against the limit.
    small = await startExchange({ demo: false, args, dataDir: dir });
    assert.equal((await deposit('third')).status, 422);
    const again = await deposit('second');
    assert.equal(again.status, 200, again.text);
    assert.equal(Number((await small.get('/api/v1/balances?userId=first')).json.INR.available), 200);
  } finally {
    await small.stop();
    rmSync(dir, { recursive: true, force: true });
  }
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

test('beyond --max-connections-per-client one address\'s new connections are closed; a trusted proxy is not counted', async () => {
  const small = await startExchange({ demo: false, args: ['--max-connections-per-client', '3'] });
  const get = (port, p) => rawHttp(port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    { timeoutMs: 2000 });
  const served = async (port) => splitResponses((await get(port, '/health')).text)[0]?.status === 200;
  try {
    // Three idle connections of this address, over both ports: a fourth is closed unanswered.
    const idle = [await connected(small.httpPort), await connected(small.wsPort), await connected(small.httpPort)];
    await eventually(async () => {
      const r = await get(small.httpPort, '/health');
      return r.closed && r.text === '';
    }, { what: 'a fourth connection closed unanswered' });
    const ws = await rawHttp(small.wsPort, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 1000 });
    assert.equal(ws.text, '', 'the WebSocket port counts the same address');
    idle.pop().destroy();
    await eventually(() => served(small.httpPort), { what: 'room for one again' });
    for (const s of idle) s.destroy();
    assert.match((await get(small.httpPort, '/metrics')).text, /exchange_connections_refused_total [1-9]/);
  } finally {
    await small.stop();
  }
  // Behind a trusted proxy every client comes from its address: not counted.
  const proxied = await startExchange({
    demo: false, args: ['--max-connections-per-client', '1', '--trusted-proxies', '127.0.0.1'],
  });
  try {
    const idle = [await connected(proxied.httpPort), await connected(proxied.httpPort)];
    assert.ok(await served(proxied.httpPort));
    for (const s of idle) s.destroy();
  } finally {
    await proxied.stop();
  }
});

test('the WebSocket port answers a malformed or oversized handshake as the REST port does', async () => {
  const garbage = await rawHttp(ex.wsPort, 'THIS IS NOT HTTP\r\n\r\n');
  assert.equal(splitResponses(garbage.text)[0]?.status, 400, garbage.text);
  const big = await rawHttp(ex.wsPort, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20000)}\r\n\r\n`);
  assert.equal(splitResponses(big.text)[0]?.status, 431, big.text);
  assert.equal(JSON.parse(splitResponses(big.text)[0].body).code, 'HEADERS_TOO_LARGE');
  // Plain HTTP gets what the REST port's /ws answers: 426 with the error body.
  const plain = await rawHttp(ex.wsPort, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const [res] = splitResponses(plain.text);
  assert.equal(res?.status, 426, plain.text);
  assert.equal(res.headers.upgrade, 'websocket');
  assert.equal(JSON.parse(res.body).code, 'UPGRADE_REQUIRED');
});

test('a Sec-WebSocket-Key missing or not 16 bytes in base64 gets 400 on both ports', async () => {
  const handshake = (target, key) => `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  for (const [port, target] of [[ex.wsPort, '/'], [ex.httpPort, '/ws']]) {
    for (const key of [null, 'x', 'dGhlIHNhbXBsZSBub25jZQ', 'dGhlIHNhbXBsZSBub25j*Q==', 'dGhlIHNhbXBsZSBub25jZQ=x']) {
      const request = key === null ? handshake(target, '').replace('Sec-WebSocket-Key: \r\n', '') : handshake(target, key);
      const r = await rawHttp(port, request);
      const [res] = splitResponses(r.text);
      assert.equal(res?.status, 400, `${key} on port ${port}: ${r.text}`);
      assert.match(JSON.parse(res.body).message, /Sec-WebSocket-Key/);
      assert.ok(r.closed, 'the connection closes');
    }
    const ok = await rawHttp(port, handshake(target, 'dGhlIHNhbXBsZSBub25jZQ=='), { timeoutMs: 1500 });
    assert.match(ok.text, /^HTTP\/1\.1 101/, `a valid key on port ${port}`);
  }
});

test('a handshake of another WebSocket version, with a body, or with bare LFs gets a JSON error at once', async () => {
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const head = (target, version) => `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n${version === null ? '' : `Sec-WebSocket-Version: ${version}\r\n`}`;
  const cases = [
    [ex.wsPort, `${head('/', 8)}\r\n`, 426, /Sec-WebSocket-Version must be 13/],
    [ex.wsPort, `${head('/', null)}\r\n`, 400, /Sec-WebSocket-Version/],
    [ex.wsPort, head('/', 13).replaceAll('\r\n', '\n') + '\n', 400, /malformed/],
    [ex.httpPort, `${head('/ws', 13)}Content-Length: 3\r\n\r\nabc`, 400, /no body/],
    [ex.httpPort, `${head('/ws', 13)}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, 400, /no body/],
  ];
  for (const [port, request, status, message] of cases) {
    const started = Date.now();
    const r = await rawHttp(port, request, { timeoutMs: 3000 });
    const [res] = splitResponses(r.text);
    assert.equal(res?.status, status, `${JSON.stringify(request)}: ${r.text}`);
    assert.match(JSON.parse(res.body).message, message);
    if (status === 426) assert.equal(res.headers['sec-websocket-version'], '13');
    // The WebSocket port closes after its answer (the REST port keeps the connection).
    if (port === ex.wsPort) assert.ok(Date.now() - started < 2000, 'answered and closed at once');
  }
});

test('a transfer coding other than chunked alone is refused, gzip before chunked too', async () => {
  for (const te of ['gzip, chunked', 'chunked, gzip', 'gzip', 'identity, chunked', 'chunked, chunked', ',', '',
    'chunked;q=1, gzip', 'chunked x, gzip', 'chunked/gzip', 'chunked@', 'chunked;x=1']) {
    const body = '{"userId":"1","amount":"1"}';
    const request = `POST /api/v1/on-ramp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Transfer-Encoding: ${te}\r\n` + (te === '' || te === ',' ? `Content-Length: ${body.length}\r\n\r\n${body}`
        : `\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    const r = await rawHttp(ex.httpPort, request);
    const [res] = splitResponses(r.text);
    assert.equal(res?.status, 400, `${te}: ${r.text}`);
    assert.match(JSON.parse(res.body).message, /Transfer-Encoding/);
    assert.equal(splitResponses(r.text).length, 1, `${te}: one answer, the body is no request`);
  }
  // Chunked in HTTP/1.0 is faulty framing (RFC 9112 6.1); chunked alone, with spaces or an
  // empty element around it, is fine.
  const post = (version, te) => `POST /api/v1/on-ramp HTTP/${version}\r\nHost: x\r\nConnection: keep-alive\r\n` +
    `Content-Type: application/json\r\nTransfer-Encoding: ${te}\r\n\r\n1b\r\n{"userId":"1","amount":"1"}\r\n0\r\n\r\n`;
  const old = splitResponses((await rawHttp(ex.httpPort, post('1.0', 'chunked'))).text);
  assert.deepEqual(old.map((r) => r.status), [400]);
  for (const te of ['chunked', ' Chunked ', ', chunked']) {
    const [res] = splitResponses((await rawHttp(ex.httpPort, post('1.1', te), { timeoutMs: 1000 })).text);
    assert.equal(res?.status, 200, `${JSON.stringify(te)}: ${res?.body}`);
  }
});

/** Whether the exchange still has the server side of the connection from `clientPort` open. */
function holdsConnection(serverPort, clientPort) {
  const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');
  const inodes = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length > 9 && f[1].endsWith(`:${hex(serverPort)}`) && f[2].endsWith(`:${hex(clientPort)}`))
    .map((f) => f[9]).filter((inode) => inode !== '0');
  const links = readdirSync(`/proc/${ex.pid}/fd`).map((fd) => {
    try { return readlinkSync(`/proc/${ex.pid}/fd/${fd}`); } catch { return ''; }
  });
  return inodes.some((inode) => links.includes(`socket:[${inode}]`));
}

test('a WebSocket client that ends the close handshake but keeps its TCP side open is let go', async () => {
  const sock = net.connect({ port: ex.wsPort, host: '127.0.0.1', allowHalfOpen: true });
  sock.on('error', () => {});
  let received = Buffer.alloc(0);
  let ended = false;
  sock.on('data', (d) => { received = Buffer.concat([received, d]); });
  sock.on('end', () => { ended = true; });  // the exchange's FIN; ours never comes
  await new Promise((resolve) => sock.once('connect', resolve));
  sock.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  await eventually(() => received.includes('\r\n\r\n'), { what: 'the 101' });
  sock.write(Buffer.from([0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xe8 ^ 2]));  // masked close 1000
  await eventually(() => ended, { what: "the exchange's close frame and FIN" });
  const held = () => holdsConnection(ex.wsPort, sock.localPort);
  assert.ok(held(), 'the exchange waits a moment for the client to close');
  await eventually(() => !held(), { timeoutMs: 8000, intervalMs: 200, what: 'the socket released' });
  sock.destroy();
});

/** A raw connection: what the server sends collects in `text`; `closed` once it closed. */
function rawConnection(port) {
  return new Promise((resolve) => {
    const c = { text: '', closed: false };
    c.sock = net.connect(port, '127.0.0.1', () => resolve(c));
    c.sock.on('data', (d) => { c.text += d.toString('latin1'); });
    c.sock.on('close', () => { c.closed = true; });
    c.sock.on('error', () => {});
  });
}

test('Expect: 100-continue is answered 100 Continue before the body, in order; a body over the limit gets 413 at once', async () => {
  const body = JSON.stringify({ userId: '100100', amount: '5' });
  const head = (length) => 'POST /api/v1/on-ramp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;
  const c = await rawConnection(ex.httpPort);
  try {
    // Pipelined behind a GET: the GET's reply, then the 100, while the body is held back
    // as a client does (curl waits 1 s for the 100).
    c.sock.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n' + head(body.length));
    await eventually(() => splitResponses(c.text).length >= 2, { timeoutMs: 3000, what: 'a 100 Continue' });
    assert.deepEqual(splitResponses(c.text).map((r) => r.status), [200, 100], c.text);
    c.sock.write(body);
    await eventually(() => splitResponses(c.text).length >= 3, { what: 'the reply to the POST' });
    assert.deepEqual(splitResponses(c.text).map((r) => r.status), [200, 100, 200], c.text);
    // The connection goes on.
    c.sock.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(() => splitResponses(c.text).length >= 4, { what: 'the next reply' });
    assert.equal(splitResponses(c.text)[3].status, 200);
    assert.equal(c.closed, false);
  } finally {
    c.sock.destroy();
  }
  // A route that does not exist is invited too (its 404 needs no body, but a client
  // waiting for the 100 must not wait for a timeout), then answered 404 after the body.
  const lost = await rawConnection(ex.httpPort);
  try {
    lost.sock.write(head(body.length).replace('/api/v1/on-ramp', '/api/v1/nowhere'));
    await eventually(() => splitResponses(lost.text).length >= 1, { timeoutMs: 3000, what: 'a 100 for an unknown route' });
    assert.equal(splitResponses(lost.text)[0].status, 100, lost.text);
    lost.sock.write(body);
    await eventually(() => splitResponses(lost.text).length >= 2, { what: 'the 404' });
    assert.equal(splitResponses(lost.text)[1].status, 404, lost.text);
  } finally {
    lost.sock.destroy();
  }
  // Over the 64 KB limit: refused without inviting the body.
  const big = await rawHttp(ex.httpPort, head(100 * 1024));
  const replies = splitResponses(big.text);
  assert.deepEqual(replies.map((r) => r.status), [413], big.text);
  assert.equal(JSON.parse(replies[0].body).code, 'BODY_TOO_LARGE');
  assert.ok(big.closed, 'the connection is closed');
});

test('a request trickled a byte at a time gets 408 ten seconds after its first byte, after the replies before it; idle connections keep 60 s', async (t) => {
  const trickle = async (start, rest) => {
    const c = await rawConnection(ex.httpPort);
    c.sock.write(start);
    c.firstByteAt = Date.now();
    let i = 0;
    c.timer = setInterval(() => { if (!c.closed) c.sock.write(rest[i++ % rest.length]); }, 500);
    return c;
  };
  // A head that never ends, and a body that comes too slowly.
  const slowHead = await trickle('G', 'ET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100));
  const slowBody = await trickle('POST /api/v1/on-ramp HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{',
    ' '.repeat(100));
  // A request begun behind replies the client is not reading yet: its 408 waits for them.
  const behindReplies = await nonReader(ex.httpPort,
    'GET /big.js HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(14) + 'GET /health HTTP/1.1\r\nHo');
  const behindSince = Date.now();
  // Idle between two requests, and idle before the first: longer than 10 s is fine.
  const idle = await rawConnection(ex.httpPort);
  idle.sock.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
  const silent = await rawConnection(ex.httpPort);
  await eventually(() => splitResponses(idle.text).length === 1, { what: 'the first reply' });
  const idleSince = Date.now();
  try {
    for (const c of [slowHead, slowBody]) {
      await eventually(() => c.closed, { timeoutMs: 15000, intervalMs: 100, what: 'the slow request closed' });
      const seconds = (Date.now() - c.firstByteAt) / 1000;
      t.diagnostic(`closed ${seconds.toFixed(1)} s after the first byte`);
      assert.ok(seconds > 9, `closed after ${seconds} s`);
      const replies = splitResponses(c.text);
      assert.deepEqual(replies.map((r) => r.status), [408], c.text);
      assert.equal(JSON.parse(replies[0].body).code, 'REQUEST_TIMEOUT');
    }
    // 4 MB of replies fill the socket's buffers, so a write is under way at the deadline.
    await sleep(Math.max(0, behindSince + 11000 - Date.now()));
    const chunks = [];
    behindReplies.on('data', (d) => chunks.push(d));
    const behindClosed = new Promise((resolve) => behindReplies.once('close', resolve));
    behindReplies.resume();
    await behindClosed;
    const behind = splitResponses(Buffer.concat(chunks).toString('latin1'));
    assert.deepEqual(behind.map((r) => r.status), [...Array(14).fill(200), 408]);
    for (const r of behind.slice(0, 14)) assert.equal(r.body.length, 300 * 1024);
    // What is checked here is a duration: connections idle for longer than a request may take.
    await sleep(Math.max(0, idleSince + 11000 - Date.now()));
    for (const c of [idle, silent]) {
      const before = splitResponses(c.text).length;
      c.sock.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      await eventually(() => splitResponses(c.text).length > before, { what: 'a reply after 10 s idle' });
      assert.deepEqual(splitResponses(c.text).map((r) => r.status), before ? [200, 200] : [200]);
      assert.equal(c.closed, false);
    }
  } finally {
    for (const c of [slowHead, slowBody, idle, silent]) {
      clearInterval(c.timer);
      c.sock.destroy();
    }
    behindReplies.destroy();
  }
});
