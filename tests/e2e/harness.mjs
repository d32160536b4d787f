// Test harness for the end-to-end tests: starts the real exchange binary on free ports in
// a fresh data directory, and gives the tests small HTTP, WebSocket and exact-decimal
// helpers. No npm dependencies: Node 20's fetch and (with --experimental-websocket) its
// WebSocket.
//
// EXCHANGE_BIN (default: build/exchange next to this repository) is the binary under test;
// EXCHANGE_EXTRA_ARGS adds command-line arguments to every instance. With
// EXCHANGE_TEST_PG_URL (tests/support/pg_server.sh run ...), each data directory gets a
// PostgreSQL database of its own on that server, and the instance stores into it. With
// EXCHANGE_TEST_REDIS=1, each data directory gets a redis-server of its own (free port,
// no persistence, stopped with the directory) and the instance runs with --bus on it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.EXCHANGE_BIN ?? path.resolve(here, '../../build/exchange');

// Extra arguments for every instance, e.g. EXCHANGE_EXTRA_ARGS="--io-threads 2".
const EXTRA_ARGS = (process.env.EXCHANGE_EXTRA_ARGS ?? '').split(/\s+/).filter(Boolean);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --bus for a data directory when the suite runs with Redis: one server per directory, so
// instances never read each other's event streams and a restart finds its own.
const redisByDir = new Map();
process.on('exit', () => { for (const r of redisByDir.values()) r.kill('SIGKILL'); });

async function busArgs(dir) {
  if (!process.env.EXCHANGE_TEST_REDIS) return [];
  let r = redisByDir.get(dir);
  if (!r) {
    const port = await freePort();
    r = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no'], { stdio: 'ignore' });
    r.unref();  // a server left behind (stopped at exit) must not keep a test file running
    r.port = port;
    redisByDir.set(dir, r);
    for (let i = 0; ; ++i) {
      const up = await new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
        c.on('error', () => resolve(false));
      });
      if (up) break;
      if (i > 100) throw new Error('redis-server did not start');
      await sleep(50);
    }
  }
  return ['--bus', `redis://127.0.0.1:${r.port}`];
}

function stopRedis(dir) {
  const r = redisByDir.get(dir);
  if (r) r.kill('SIGTERM');
  redisByDir.delete(dir);
}

// --store for a data directory when the suite runs against PostgreSQL: one database per
// directory (created once), so instances never share rows and a restart finds its own.
function storeArgs(dir) {
  const url = process.env.EXCHANGE_TEST_PG_URL;
  if (!url) return [];
  const db = 'e2e_' + path.basename(dir).toLowerCase().replace(/[^a-z0-9]/g, '_');
  const exists = execFileSync('psql', [url, '-tAc', `SELECT 1 FROM pg_database WHERE datname = '${db}'`]).toString().trim();
  if (exists !== '1') execFileSync('psql', [url, '-qc', `CREATE DATABASE ${db}`]);
  const u = new URL(url);
  u.pathname = '/' + db;
  return ['--store', u.toString()];
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Removes a data directory and stops the Redis server started for it (with --bus). */
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  stopRedis(dir);
}

/**
 * Starts the exchange. Options: demo (default true), args (extra CLI arguments), dataDir
 * (default: a fresh temp dir, removed by stop()). Resolves once it printed "listening"
 * and /ready answers 200.
 */
export async function startExchange({ demo = true, args = [], dataDir } = {}) {
  if (!existsSync(BIN)) throw new Error(`exchange binary not found: ${BIN} (set EXCHANGE_BIN)`);
  const ownDir = !dataDir;
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'exchange-e2e-'));
  for (let attempt = 0; ; ++attempt) {
    const httpPort = await freePort();
    let wsPort = await freePort();
    while (wsPort === httpPort) wsPort = await freePort();
    const store = storeArgs(dir);
    const bus = await busArgs(dir);
    const argv = ['--http-port', String(httpPort), '--ws-port', String(wsPort), '--data-dir', dir,
      '--log-level', 'warn', ...(demo ? ['--demo'] : []), ...store, ...bus, ...args, ...EXTRA_ARGS];
    const child = spawn(BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let gone = false;
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    }));
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    let listening = false;
    for (let i = 0; i < 300 && !gone && !listening; ++i) {
      listening = /listening/.test(output);
      if (!listening) await sleep(50);
    }
    if (!listening) {
      child.kill('SIGKILL');
      if (attempt < 2 && /in use|bind/i.test(output)) continue;  // a port raced away
      if (ownDir) {
        stopRedis(dir);
        removeDir(dir);
      }
      throw new Error(`exchange did not start:\n${output}`);
    }
    const base = `http://127.0.0.1:${httpPort}`;
    for (let i = 0; ; ++i) {
      const r = await fetch(`${base}/ready`).catch(() => null);
      if (r && r.status === 200) { await r.text(); break; }
      if (r) await r.text();
      if (i > 200) throw new Error(`exchange never became ready:\n${output}`);
      await sleep(50);
    }
    const ex = {
      pid: child.pid, child, httpPort, wsPort, dataDir: dir, base, storeUrl: store[1] ?? null,
      wsUrl: `ws://127.0.0.1:${wsPort}/`, wsHttpUrl: `ws://127.0.0.1:${httpPort}/ws`,
      output: () => output,
      exited,
      /** SIGTERM by PID, wait for a clean exit (SIGKILL after `timeoutMs`). */
      async stop({ keepData = false, timeoutMs = 15000 } = {}) {
        if (child.exitCode === null && child.signalCode === null) {
          process.kill(child.pid, 'SIGTERM');
          const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch {} }, timeoutMs);
          const result = await exited;
          clearTimeout(timer);
          if (ownDir && !keepData) removeDir(dir);
          return result;
        }
        if (ownDir && !keepData) removeDir(dir);
        return exited;
      },
      req: (method, p, body, opts) => request(base, method, p, body, opts),
      get: (p, opts) => request(base, 'GET', p, undefined, opts),
      post: (p, body, opts) => request(base, 'POST', p, body, opts),
      del: (p, body, opts) => request(base, 'DELETE', p, body, opts),
    };
    return ex;
  }
}

/**
 * One HTTP request. `body`: an object (sent as JSON), a string (sent as is) or undefined.
 * Returns { status, headers, text, json (JSON.parse, or undefined), exact (parseExact) }.
 */
export async function request(base, method, p, body, { headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  }
  const r = await fetch(base + p, init);
  const text = await r.text();
  let json; let exact;
  try { json = JSON.parse(text); exact = parseExact(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json, exact };
}

/** Sends raw bytes on a fresh TCP connection and collects what comes back until the
 * server closes (or `timeoutMs`). */
export function rawHttp(port, payload, { timeoutMs = 3000, endAfterWrite = false } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write(payload, () => { if (endAfterWrite) sock.end(); });
    });
    const done = (closed) => { clearTimeout(timer); sock.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed }); };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {});
    sock.on('close', () => done(true));
  });
}

/** Splits raw HTTP/1.1 responses (with Content-Length) into { status, headers, body }. */
export function splitResponses(text) {
  const out = [];
  let i = 0;
  while (i < text.length) {
    const end = text.indexOf('\r\n\r\n', i);
    if (end < 0) break;
    const head = text.slice(i, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0])?.[1]);
    const headers = {};
    for (const line of head.slice(1)) {
      const c = line.indexOf(':');
      headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
    }
    const len = Number(headers['content-length'] ?? 0);
    out.push({ status, headers, body: text.slice(end + 4, end + 4 + len) });
    i = end + 4 + len;
  }
  return out;
}

// ---- exact JSON: numbers keep their literal text ------------------------------------------

/** A JSON number as written on the wire. */
export class Num {
  constructor(text) { this.text = text; }
  valueOf() { return Number(this.text); }
  toString() { return this.text; }
}

/** JSON.parse in which every number becomes a Num holding its literal text. */
export function parseExact(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) ++i; };
  const fail = (what) => { throw new SyntaxError(`${what} at ${i}`); };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      ++i; const o = {}; ws();
      if (text[i] === '}') { ++i; return o; }
      for (;;) {
        ws(); const k = value(); if (typeof k !== 'string') fail('key');
        ws(); if (text[i++] !== ':') fail('colon');
        o[k] = value(); ws();
        if (text[i] === ',') { ++i; continue; }
        if (text[i] === '}') { ++i; return o; }
        fail('object');
      }
    }
    if (c === '[') {
      ++i; const a = []; ws();
      if (text[i] === ']') { ++i; return a; }
      for (;;) {
        a.push(value()); ws();
        if (text[i] === ',') { ++i; continue; }
        if (text[i] === ']') { ++i; return a; }
        fail('array');
      }
    }
    if (c === '"') {
      const start = i; ++i;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      ++i;
      return JSON.parse(text.slice(start, i));
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m) { i += m[0].length; return new Num(m[0]); }
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]])
      if (text.startsWith(lit, i)) { i += lit.length; return v; }
    return fail('value');
  }
  const v = value(); ws();
  if (i !== text.length) fail('trailing');
  return v;
}

// ---- exact decimals (8 places) as BigInt ----------------------------------------------------

const SCALE = 10n ** 8n;
/** Decimal text (or a Num, or a JS number written exactly) to BigInt units of 1e-8. */
export function D(v) {
  const s = v instanceof Num ? v.text : String(v);
  const m = /^(-?)(\d+)(?:\.(\d{1,8}))?$/.exec(s);
  if (!m) throw new Error(`not an exact decimal: ${s}`);
  const units = BigInt(m[2]) * SCALE + BigInt((m[3] ?? '').padEnd(8, '0'));
  return m[1] ? -units : units;
}
/** BigInt units back to the shortest decimal text. */
export function fmt(u) {
  const neg = u < 0n; if (neg) u = -u;
  const frac = (u % SCALE).toString().padStart(8, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${u / SCALE}${frac ? `.${frac}` : ''}`;
}
/** price x qty in units, exact (both in units). */
export const mulU = (a, b) => (a * b) / SCALE;

// ---- WebSocket client ------------------------------------------------------------------------

/** A WebSocket with a message inbox: next(pred) waits for a matching message. */
export async function openWs(url) {
  const ws = new WebSocket(url);
  const inbox = [];
  const waiters = [];
  let closeInfo = null;
  const closed = new Promise((resolve) => {
    ws.addEventListener('close', (e) => { closeInfo = { code: e.code, reason: e.reason }; resolve(closeInfo); flush(); });
  });
  function flush() {
    for (let w = 0; w < waiters.length; ++w) {
      const waiter = waiters[w];
      const idx = inbox.findIndex(waiter.pred);
      if (idx >= 0) {
        const [m] = inbox.splice(idx, 1);
        waiters.splice(w--, 1);
        clearTimeout(waiter.timer);
        waiter.resolve(m);
      } else if (closeInfo && !waiter.allowClosed) {
        waiters.splice(w--, 1);
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`socket closed (${closeInfo.code} ${closeInfo.reason}) while waiting`));
      }
    }
  }
  ws.addEventListener('message', (e) => {
    let data;
    try { data = JSON.parse(e.data); } catch { data = { unparsable: e.data }; }
    inbox.push({ data, text: e.data, at: performance.now() });
    flush();
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot open ${url}`)), { once: true });
  });
  let nextId = 1;
  return {
    ws, inbox, closed,
    get closeInfo() { return closeInfo; },
    send(obj) { ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)); },
    /** Waits for the first message (removing it) whose parsed data satisfies `pred`. */
    next(pred = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const waiter = { pred: (m) => pred(m.data, m), resolve: (m) => resolve(m.data), reject, allowClosed: false };
        waiter.timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`timed out waiting for a message; inbox: ${JSON.stringify(inbox.slice(-5).map((m) => m.text))}`));
        }, timeoutMs);
        waiters.push(waiter);
        flush();
      });
    },
    /** SUBSCRIBE and wait for the acknowledgement (or error) with our id. */
    async call(method, params) {
      const id = nextId++;
      this.send(params === undefined ? { method, id } : { method, params, id });
      return this.next((d) => d && d.id === id && ('result' in d || 'error' in d));
    },
    /** Removes and returns every message received so far that satisfies `pred`. */
    take(pred = () => true) {
      const out = [];
      for (let i = 0; i < inbox.length; ++i) if (pred(inbox[i].data)) { out.push(inbox[i].data); inbox.splice(i--, 1); }
      return out;
    },
    close() { ws.close(); return closed; },
  };
}

/** Polls `fn` until it returns a truthy value (returned) or `timeoutMs` passes (throws). */
export async function eventually(fn, { timeoutMs = 5000, intervalMs = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Runs a query on an instance's store - its PostgreSQL database, else sqlite3 on its
 * SQLite file (read-only) - and returns the rows as text, one per line; null if the
 * command-line client is not installed.
 */
export function queryStore(ex, sql) {
  const [cmd, argv] = ex.storeUrl
    ? ['psql', [ex.storeUrl, '-tAc', sql]]
    : ['sqlite3', ['-readonly', path.join(ex.dataDir, 'exchange.db'), sql]];
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8' }).trim();
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}

// ---- shape checks ----------------------------------------------------------------------------

export const isDecimalString = (v) => typeof v === 'string' && /^-?\d+(\.\d{1,8})?$/.test(v);
export const isNumber = (v) => v instanceof Num;  // on parseExact output
export const isDecimalNumber = (v) => v instanceof Num && /^-?\d+(\.\d{1,8})?$/.test(v.text);
export const isIntegerNumber = (v) => v instanceof Num && /^\d+$/.test(v.text);
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
