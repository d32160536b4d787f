// The edge's configurable parts end to end: the trading page from a static directory,
// CORS with a list of origins, and the per-client rate limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startExchange, rawHttp, splitResponses } from './harness.mjs';

let ex;
let page;

before(async () => {
  page = mkdtempSync(path.join(os.tmpdir(), 'exchange-page-'));
  mkdirSync(path.join(page, 'trade'));
  mkdirSync(path.join(page, '_next/static/chunks'), { recursive: true });
  writeFileSync(path.join(page, 'index.html'), '<html>markets</html>');
  writeFileSync(path.join(page, 'trade/_.html'), '<html>any market</html>');
  writeFileSync(path.join(page, '_next/static/chunks/app.js'), 'console.log(1)');
  writeFileSync(path.join(page, 'api.html'), 'must not shadow the API');
  ex = await startExchange({
    demo: true,
    args: ['--static-dir', page, '--rate-limit', '20', '--cors-origins', 'http://allowed.example, http://also.example'],
  });
});
after(async () => {
  await ex?.stop();
  rmSync(page, { recursive: true, force: true });
});

test('the trading page is served from the static directory; the API wins', async () => {
  const home = await ex.get('/');
  assert.equal(home.status, 200);
  assert.equal(home.text, '<html>markets</html>');
  assert.match(home.headers.get('content-type'), /^text\/html/);
  const trade = await ex.get('/trade/TATA_INR');
  assert.equal(trade.text, '<html>any market</html>');
  const js = await ex.get('/_next/static/chunks/app.js');
  assert.match(js.headers.get('content-type'), /javascript/);
  assert.match(js.headers.get('cache-control'), /immutable/);
  assert.equal((await ex.get('/nothing/here/at/all')).status, 404);
  const api = await ex.get('/api/v1/markets');
  assert.equal(api.status, 200);
  assert.ok(Array.isArray(api.json));
  const traversal = await rawHttp(ex.httpPort, 'GET /trade/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(splitResponses(traversal.text)[0].status, 404);
  const encoded = await rawHttp(ex.httpPort, 'GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(splitResponses(encoded.text)[0].status, 404);
});

test('CORS answers only the configured origins', async () => {
  const ok = await ex.get('/health', { headers: { Origin: 'http://allowed.example' } });
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://allowed.example');
  assert.match(ok.headers.get('vary') ?? '', /Origin/);
  const also = await ex.get('/health', { headers: { Origin: 'http://also.example' } });
  assert.equal(also.headers.get('access-control-allow-origin'), 'http://also.example');
  const other = await ex.get('/health', { headers: { Origin: 'http://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  // The answer depends on Origin for a refused origin and for none too: caches must know.
  assert.match(other.headers.get('vary') ?? '', /Origin/);
  assert.match((await ex.get('/health')).headers.get('vary') ?? '', /Origin/);
  const pre = await ex.req('OPTIONS', '/api/v1/order', undefined, {
    headers: { Origin: 'http://allowed.example', 'Access-Control-Request-Method': 'DELETE' },
  });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-methods'), /DELETE/);
  assert.match(pre.headers.get('vary') ?? '', /Origin/);
});

test('the rate limit refuses bursts per client with 429 and spares health checks', async () => {
  const statuses = await Promise.all(Array.from({ length: 80 }, () => ex.get('/api/v1/markets').then((r) => r)));
  const limited = statuses.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, 'some requests limited');
  assert.ok(statuses.filter((r) => r.status === 200).length >= 10, 'a burst is allowed');
  assert.equal(limited[0].json.code, 'RATE_LIMITED');
  assert.equal(limited[0].headers.get('retry-after'), '1');
  for (let i = 0; i < 30; ++i) assert.equal((await ex.get('/health')).status, 200);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await ex.get('/api/v1/markets')).status, 200, 'tokens come back');
  const m = await ex.get('/metrics');
  assert.match(m.text, /exchange_http_rate_limited_total [1-9]/);
});

test('WebSocket handshakes from pages of other origins are refused on both ports; the own origin is upgraded', async () => {
  const handshake = (target, origin, host = 'x') => [
    `GET ${target} HTTP/1.1`, `Host: ${host}`, 'Upgrade: websocket', 'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13',
    ...(origin ? [`Origin: ${origin}`] : []), '', ''].join('\r\n');
  for (const [port, target] of [[ex.wsPort, '/'], [ex.httpPort, '/ws']]) {
    const refused = await rawHttp(port, handshake(target, 'http://evil.example'));
    assert.ok(refused.closed, 'the edge closes the refused connection');
    const [res] = splitResponses(refused.text);
    assert.equal(res?.status, 403, refused.text);
    assert.equal(JSON.parse(res.body).code, 'FORBIDDEN_ORIGIN');
    // An allowed page, and a client that is no page (no Origin), are upgraded.
    for (const origin of ['http://allowed.example', undefined]) {
      const ok = await rawHttp(port, handshake(target, origin), { timeoutMs: 1500 });
      assert.match(ok.text, /^HTTP\/1\.1 101/, `${origin ?? 'no origin'} on port ${port}`);
    }
    // The page this edge serves is of its own origin: not in the list, and upgraded.
    const own = `127.0.0.1:${port}`;
    const same = await rawHttp(port, handshake(target, `http://${own}`, own), { timeoutMs: 1500 });
    assert.match(same.text, /^HTTP\/1\.1 101/, `own origin on port ${port}`);
    // Its host on another port is another origin.
    const other = await rawHttp(port, handshake(target, `http://127.0.0.1:1`, own));
    assert.equal(splitResponses(other.text)[0]?.status, 403, other.text);
  }
});
