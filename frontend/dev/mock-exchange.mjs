#!/usr/bin/env node
/**
 * A small in-memory stand-in for the exchange, for developing the page without the C++ binary
 * (`npm run mock -- --http-port 3001 --static-dir out`). It speaks the public API of
 * shared/API.md closely enough for the page: markets, depth with update ids, trades, klines,
 * tickers, orders (limit/market, GTC/IOC/FOK, post-only), balances, deposits, a user's fills, and
 * the WebSocket streams. It is not the exchange: end-to-end tests run against the real binary.
 * Same command line as the binary: --http-port --ws-port --data-dir --demo --static-dir --log-level.
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 && args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : def; };
const HTTP_PORT = Number(opt('http-port', '3001'));
const WS_PORT = Number(opt('ws-port', '3002'));
const STATIC_DIR = path.resolve(opt('static-dir', 'out'));
const DEMO = args.includes('--demo');

// ---- fixed point (8 decimals) -----------------------------------------------------------------
const SCALE = 8, ONE = 10n ** 8n;
const toU = (v) => {
  const s = String(v).trim();
  if (!/^\d+(\.\d+)?$/.test(s)) throw bad('INVALID_NUMBER', `not a positive decimal: ${s}`);
  const [i, f = ''] = s.split('.');
  if (f.length > SCALE) throw bad('INVALID_PRECISION', `too many decimals: ${s}`);
  return BigInt(i) * ONE + BigInt(f.padEnd(SCALE, '0'));
};
const fromU = (u) => {
  const neg = u < 0n; if (neg) u = -u;
  const i = u / ONE, f = (u % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${i}${f ? `.${f}` : ''}`;
};
const mulU = (a, b) => (a * b) / ONE;
const num = (u) => Number(fromU(u));
function bad(code, message, status = 400) { return Object.assign(new Error(message), { code, status }); }

// ---- state ----------------------------------------------------------------------------------------
const MARKETS = [
  { symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01', minQty: '0.01', minNotional: '1', priceBand: '0.1', baseAssetPrecision: 2, quoteAssetPrecision: 2 },
  { symbol: 'INFY_INR', baseAsset: 'INFY', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01', minQty: '0.01', minNotional: '1', priceBand: '0.1', baseAssetPrecision: 2, quoteAssetPrecision: 2 },
];
const ASSETS = ['TATA', 'INFY', 'INR'];
const INTERVALS = { '1m': 60, '5m': 300, '15m': 900, '30m': 1800, '1h': 3600, '4h': 14400, '1d': 86400, '1w': 604800 };
const users = new Map();
const account = (id) => { if (!users.has(id)) users.set(id, new Map(ASSETS.map((a) => [a, { available: 0n, locked: 0n }]))); return users.get(id); };
if (DEMO) for (const u of ['1', '2', '5']) for (const a of ASSETS) account(u).get(a).available = 10_000_000n * ONE;

const books = new Map(MARKETS.map((m) => [m.symbol, { m, bids: [], asks: [], updateId: 0, trades: [], candles: new Map(), lastPrice: null }]));
const orders = new Map();
/** Every order's part in every trade, newest first (what `/fills` reads; the exchange's storage). */
const userFills = [];
let seq = 0, tradeSeq = 0;
const newId = () => (Date.now().toString(36) + (seq++).toString(36) + Math.random().toString(36).slice(2, 8));

// ---- websocket hub ------------------------------------------------------------------------------
const subscribers = new Set();
function publish(stream, event) {
  const text = JSON.stringify(event);
  for (const c of subscribers) if (c.streams.has(stream) && c.ws.readyState === 1) c.ws.send(text);
}
function attach(ws) {
  const c = { ws, streams: new Set() };
  subscribers.add(c);
  ws.on('close', () => subscribers.delete(c));
  ws.on('message', (data) => {
    let msg; try { msg = JSON.parse(String(data)); } catch { return ws.send(JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'not JSON' } })); }
    const params = Array.isArray(msg.params) ? msg.params : [];
    if (msg.method === 'SUBSCRIBE') params.forEach((p) => c.streams.add(p));
    else if (msg.method === 'UNSUBSCRIBE') params.forEach((p) => c.streams.delete(p));
    else return ws.send(JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'unknown method' }, id: msg.id }));
    if (msg.id !== undefined) ws.send(JSON.stringify({ result: null, id: msg.id }));
  });
}

// ---- matching -------------------------------------------------------------------------------------
function levelQty(side, price) { return side.filter((o) => o.price === price).reduce((s, o) => s + o.remaining, 0n); }

function placeOrder(body) {
  const book = books.get(body.market);
  if (!book) throw bad('UNKNOWN_MARKET', `unknown market ${body.market}`, 404);
  if (body.side !== 'buy' && body.side !== 'sell') throw bad('INVALID_SIDE', 'side must be buy or sell');
  if (typeof body.userId !== 'string' || !body.userId) throw bad('MISSING_FIELD', 'userId is required');
  const type = body.type ?? 'limit', tif = body.timeInForce ?? (type === 'market' ? 'IOC' : 'GTC'), postOnly = !!body.postOnly;
  const m = book.m, tick = toU(m.tickSize), step = toU(m.stepSize);
  const qty = toU(body.quantity ?? '0');
  if (qty <= 0n || qty % step !== 0n) throw bad('INVALID_QUANTITY', `quantity must be a positive multiple of ${m.stepSize}`);
  let price;
  if (type === 'limit') {
    price = toU(body.price ?? '0');
    if (price <= 0n || price % tick !== 0n) throw bad('INVALID_PRICE', `price must be a positive multiple of ${m.tickSize}`);
    if (mulU(price, qty) < toU(m.minNotional)) throw bad('MIN_NOTIONAL', `order value below ${m.minNotional}`);
  } else {
    const last = book.lastPrice ?? (body.side === 'buy' ? book.asks[0]?.price : book.bids[0]?.price);
    if (last === undefined || last === null) throw bad('NO_LIQUIDITY', 'no price to bound a market order', 422);
    const band = mulU(last, toU(m.priceBand));
    price = body.side === 'buy' ? last + band : last - band;
  }
  const acct = account(body.userId);
  const spend = body.side === 'buy' ? acct.get(m.quoteAsset) : acct.get(m.baseAsset);
  const need = body.side === 'buy' ? mulU(price, qty) : qty;
  if (spend.available < need) throw bad('INSUFFICIENT_FUNDS', `insufficient ${body.side === 'buy' ? m.quoteAsset : m.baseAsset}: need ${fromU(need)}, available ${fromU(spend.available)}`, 422);
  const opposite = body.side === 'buy' ? book.asks : book.bids;
  const crosses = (o) => (body.side === 'buy' ? o.price <= price : o.price >= price);
  if (postOnly && opposite.length && crosses(opposite[0])) throw bad('POST_ONLY_WOULD_CROSS', 'post-only order would trade immediately', 422);
  if (tif === 'FOK') {
    const avail = opposite.filter((o) => crosses(o) && o.userId !== body.userId).reduce((s, o) => s + o.remaining, 0n);
    if (avail < qty) throw bad('FOK_NOT_FILLED', 'fill-or-kill order cannot be filled completely', 422);
  }
  spend.available -= need; spend.locked += need;
  const order = { orderId: newId(), clientOrderId: body.clientOrderId ?? null, market: m.symbol, userId: body.userId, side: body.side, type, timeInForce: tif, postOnly,
    orderType: body.orderType ?? 'intraday', price: type === 'limit' ? price : null, limit: price, quantity: qty, executed: 0n, executedQuote: 0n, remaining: qty, locked: need, status: 'NEW', time: Date.now() };
  orders.set(order.orderId, order);
  const changed = { bids: new Set(), asks: new Set() };
  const fills = [];
  while (order.remaining > 0n && opposite.length && crosses(opposite[0])) {
    const maker = opposite[0];
    if (maker.userId === order.userId) { cancelResting(book, maker, changed); continue; }
    const q = maker.remaining < order.remaining ? maker.remaining : order.remaining;
    const p = maker.price;
    maker.remaining -= q; maker.executed += q; order.remaining -= q; order.executed += q;
    maker.executedQuote += mulU(p, q); order.executedQuote += mulU(p, q);
    settle(m, order, maker, p, q);
    changed[order.side === 'buy' ? 'asks' : 'bids'].add(p);
    if (maker.remaining === 0n) { opposite.shift(); maker.status = 'FILLED'; } else maker.status = 'PARTIALLY_FILLED';
    const t = { id: ++tradeSeq, price: p, qty: q, isBuyerMaker: order.side === 'sell', time: Date.now() };
    book.trades.unshift(t); book.trades.length = Math.min(book.trades.length, 500);
    book.lastPrice = p;
    fills.push({ price: fromU(p), qty: num(q), tradeId: t.id, otherUserId: maker.userId, markerOrderId: maker.orderId, isBuyerMaker: t.isBuyerMaker });
    publish(`trade@${m.symbol}`, { e: 'trade', s: m.symbol, t: t.id, p: fromU(p), q: fromU(q), m: t.isBuyerMaker, T: t.time });
    for (const o of [order, maker]) publish(`fills@${m.symbol}`, { e: 'fills', s: m.symbol, orderId: o.orderId, price: fromU(p), quantity: fromU(q), tradeId: t.id, userId: o.userId });
    for (const o of [maker, order]) userFills.unshift({ userId: o.userId, market: m.symbol, tradeId: t.id, orderId: o.orderId, side: o.side, price: fromU(p), qty: fromU(q), quoteQty: fromU(mulU(p, q)), isMaker: o === maker, time: t.time });
    recordCandle(book, t);
  }
  if (order.remaining > 0n && type === 'limit' && tif === 'GTC') {
    const side = order.side === 'buy' ? book.bids : book.asks;
    const at = side.findIndex((o) => (order.side === 'buy' ? o.price < price : o.price > price));
    side.splice(at < 0 ? side.length : at, 0, order);
    changed[order.side === 'buy' ? 'bids' : 'asks'].add(price);
    order.status = order.executed > 0n ? 'PARTIALLY_FILLED' : 'NEW';
  } else if (order.remaining > 0n) {
    release(m, order);
    order.status = 'EXPIRED';
  } else {
    order.status = 'FILLED';
    release(m, order);
  }
  publishDepth(book, changed);
  if (fills.length) publishTicker(book);
  return { orderId: order.orderId, executedQty: num(order.executed), fills, status: order.status, remainingQty: num(order.remaining), clientOrderId: order.clientOrderId };
}

function settle(m, taker, maker, p, q) {
  for (const o of [taker, maker]) {
    const a = account(o.userId), base = a.get(m.baseAsset), quote = a.get(m.quoteAsset);
    if (o.side === 'buy') {
      const used = mulU(o.limit, q); // locked at its own limit; refund the difference
      quote.locked -= used; quote.available += used - mulU(p, q); o.locked -= used; base.available += q;
    } else {
      base.locked -= q; o.locked -= q; quote.available += mulU(p, q);
    }
  }
}
function release(m, o) {
  const bal = account(o.userId).get(o.side === 'buy' ? m.quoteAsset : m.baseAsset);
  bal.locked -= o.locked; bal.available += o.locked; o.locked = 0n;
}
function cancelResting(book, o, changed) {
  const side = o.side === 'buy' ? book.bids : book.asks;
  const i = side.indexOf(o); if (i >= 0) side.splice(i, 1);
  release(book.m, o);
  o.status = 'CANCELED';
  changed[o.side === 'buy' ? 'bids' : 'asks'].add(o.price);
}
function publishDepth(book, changed) {
  if (!changed.bids.size && !changed.asks.size) return;
  const U = book.updateId + 1; book.updateId = U;
  const lv = (side, set) => [...set].map((p) => [fromU(p), fromU(levelQty(side, p))]);
  publish(`depth@${book.m.symbol}`, { e: 'depth', s: book.m.symbol, U, u: U, b: lv(book.bids, changed.bids), a: lv(book.asks, changed.asks) });
}
function recordCandle(book, t) {
  for (const [iv, secs] of Object.entries(INTERVALS)) {
    const start = Math.floor(t.time / 1000 / secs) * secs;
    const key = `${iv}:${start}`;
    const c = book.candles.get(key) ?? { start, open: t.price, high: t.price, low: t.price, close: t.price, volume: 0n };
    c.high = t.price > c.high ? t.price : c.high; c.low = t.price < c.low ? t.price : c.low; c.close = t.price; c.volume += t.qty;
    book.candles.set(key, c);
    publish(`kline@${book.m.symbol}:${iv}`, { e: 'kline', s: book.m.symbol, timestamp: new Date(start * 1000).toISOString(), open: fromU(c.open), high: fromU(c.high), low: fromU(c.low), close: fromU(c.close), volume: fromU(c.volume) });
  }
}
function ticker(book) {
  const since = Date.now() - 86_400_000;
  const ts = book.trades.filter((t) => t.time >= since);
  const first = ts.length ? ts[ts.length - 1].price : book.lastPrice ?? 0n, last = book.lastPrice ?? 0n;
  const hi = ts.reduce((a, t) => (t.price > a ? t.price : a), last), lo = ts.reduce((a, t) => (t.price < a ? t.price : a), last);
  const vol = ts.reduce((a, t) => a + t.qty, 0n), change = last - first;
  let pct = first ? (change * 100n * ONE) / first : 0n;
  pct -= pct % (ONE / 100n); // two decimals
  return { startTime: new Date(since).toISOString(), firstPrice: fromU(first), high: fromU(hi), low: fromU(lo), lastPrice: fromU(last), volume: fromU(vol), priceChange: fromU(change), priceChangePercent: fromU(pct) };
}
function publishTicker(book) { publish(`ticker@${book.m.symbol}`, { e: 'ticker', s: book.m.symbol, ...ticker(book) }); }
const numbers = (t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, k === 'startTime' ? v : Number(v)]));
const orderJson = (o) => ({ orderId: o.orderId, clientOrderId: o.clientOrderId, market: o.market, userId: o.userId, side: o.side, type: o.type, timeInForce: o.timeInForce, postOnly: o.postOnly,
  orderType: o.orderType, price: o.price === null ? null : fromU(o.price), quantity: fromU(o.quantity), executedQty: fromU(o.executed), executedQuoteQty: fromU(o.executedQuote), remainingQty: fromU(o.status === 'NEW' || o.status === 'PARTIALLY_FILLED' ? o.remaining : 0n), status: o.status, time: o.time });

// ---- http -------------------------------------------------------------------------------------------
const routes = {
  'GET /api/v1/markets': () => MARKETS,
  'GET /api/v1/depth': (q) => {
    const b = need(books.get(q.get('symbol')), 'market'); const limit = Number(q.get('limit') ?? 100);
    const agg = (side) => { const out = []; for (const o of side) { const last = out[out.length - 1]; if (last && last[0] === o.price) last[1] += o.remaining; else out.push([o.price, o.remaining]); } return out.slice(0, limit).map(([p, v]) => [fromU(p), fromU(v)]); };
    return { bids: agg(b.bids), asks: agg(b.asks), lastUpdateId: b.updateId };
  },
  'GET /api/v1/trades': (q) => need(books.get(q.get('symbol')), 'market').trades.slice(0, Number(q.get('limit') ?? 50)).map((t) => ({ id: t.id, price: fromU(t.price), qty: fromU(t.qty), time: t.time, isBuyerMaker: t.isBuyerMaker })),
  'GET /api/v1/klines': (q) => {
    const b = need(books.get(q.get('symbol')), 'market'); const iv = q.get('interval'); if (!INTERVALS[iv]) throw bad('INVALID_INTERVAL', `unknown interval ${iv}`);
    const from = Number(q.get('startTime') ?? 0), to = Number(q.get('endTime') ?? 1e12);
    return [...b.candles.entries()].filter(([k, c]) => k.startsWith(`${iv}:`) && c.start >= from && c.start <= to).map(([, c]) => c).sort((a, c) => a.start - c.start)
      .map((c) => ({ close: num(c.close), end: new Date(c.start * 1000).toISOString(), high: num(c.high), low: num(c.low), open: num(c.open), volume: num(c.volume) }));
  },
  'GET /api/v1/tickers': (q) => q.get('symbol') ? numbers(ticker(need(books.get(q.get('symbol')), 'market'))) : [...books.values()].map((b) => ({ symbol: b.m.symbol, ...numbers(ticker(b)) })),
  'POST /api/v1/order': (_q, body) => placeOrder(body),
  'DELETE /api/v1/order': (_q, body) => {
    const o = orders.get(body.orderId); const b = books.get(body.market);
    if (!o || !b || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED')) throw bad('ORDER_NOT_FOUND', 'no such open order', 404);
    const changed = { bids: new Set(), asks: new Set() }; const remaining = o.remaining;
    cancelResting(b, o, changed); publishDepth(b, changed);
    return { orderId: o.orderId, executedQty: num(o.executed), remainingQty: num(remaining), status: 'CANCELED', clientOrderId: o.clientOrderId };
  },
  'DELETE /api/v1/orders': (_q, body) => {
    const b = need(books.get(body.market), 'market'); const changed = { bids: new Set(), asks: new Set() };
    const mine = [...b.bids, ...b.asks].filter((o) => o.userId === body.userId); mine.forEach((o) => cancelResting(b, o, changed)); publishDepth(b, changed);
    return mine.map((o) => ({ orderId: o.orderId }));
  },
  'GET /api/v1/order/open': (q) => { const b = need(books.get(q.get('market')), 'market'); return [...b.bids, ...b.asks].filter((o) => o.userId === q.get('userId')).map((o) => ({ price: num(o.price), quantity: num(o.quantity), orderId: o.orderId, clientOrderId: o.clientOrderId, filled: num(o.executed), remainingQty: num(o.remaining), side: o.side, userId: o.userId })); },
  'GET /api/v1/orders': (q) => {
    // Newest first by time, then id (as the exchange; ids by length, then text); `before`: the page after that order.
    const byId = (a, b) => b.orderId.length - a.orderId.length || (b.orderId < a.orderId ? -1 : b.orderId > a.orderId ? 1 : 0);
    const mine = [...orders.values()].filter((o) => o.userId === q.get('userId') && o.market === q.get('market')).sort((a, b) => b.time - a.time || byId(a, b));
    const before = q.get('before');
    const from = before === null ? 0 : mine.findIndex((o) => o.orderId === before) + 1;
    if (before !== null && from === 0) throw bad('UNKNOWN_ORDER', `unknown order ${before}`, 404);
    return mine.slice(from, from + Number(q.get('limit') ?? 50)).map(orderJson);
  },
  'GET /api/v1/order': (q) => {
    const cid = q.get('orderId') === null ? q.get('clientOrderId') : null;
    if (cid === null) return orderJson(need(orders.get(q.get('orderId')), 'order'));
    // By clientOrderId (with userId): the newest of that name, as the exchange looks it up.
    const named = [...orders.values()].filter((o) => o.clientOrderId === cid && o.userId === q.get('userId') && o.market === q.get('market'));
    if (named.length === 0) throw bad('UNKNOWN_ORDER', `no order with clientOrderId '${cid}' in market ${q.get('market')}`, 404);
    return orderJson(named.reduce((a, b) => (b.time >= a.time ? b : a)));
  },
  'GET /api/v1/fills': (q) => {
    const userId = q.get('userId'), market = q.get('market');
    if (!userId) throw bad('MISSING_FIELD', "missing field 'userId'");
    if (!market) throw bad('MISSING_FIELD', "missing field 'market'");
    need(books.get(market), 'market');
    const limit = q.get('limit') ?? '50';
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) throw bad('INVALID_FIELD', `field 'limit' must be a whole number from 1 to 1000, not '${limit}'`);
    if (!users.has(userId)) throw bad('UNKNOWN_USER', `unknown user ${userId}`, 404);
    const before = q.get('before');
    if (before !== null && !/^[1-9]\d*$/.test(before)) throw bad('INVALID_FIELD', `field 'before' must be a trade id, not '${before}'`);
    return userFills.filter((f) => f.userId === userId && f.market === market && (before === null || f.tradeId < Number(before)))
      .slice(0, Number(limit)).map(({ userId: _u, ...f }) => f);
  },
  'GET /api/v1/balances': (q) => Object.fromEntries([...account(q.get('userId')).entries()].map(([a, b]) => [a, { available: fromU(b.available), locked: fromU(b.locked) }])),
  'POST /api/v1/on-ramp': (_q, body) => { const asset = body.asset ?? 'INR'; const amt = toU(body.amount); const b = account(body.userId).get(asset); if (!b) throw bad('UNKNOWN_ASSET', `unknown asset ${asset}`, 404); b.available += amt; return { userId: body.userId, amount: num(b.available) }; },
  'GET /ready': () => ({ ready: true }),
  'GET /health': () => ({ ok: true }),
};
function need(v, what) { if (!v) throw bad('NOT_FOUND', `unknown ${what}`, 404); return v; }

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.txt': 'text/plain', '.json': 'application/json', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.png': 'image/png' };
async function serveStatic(url, res) {
  const clean = path.posix.normalize(decodeURIComponent(url.pathname));
  const parts = clean.split('/');
  const candidates = [clean, `${clean}.html`, `${clean}/index.html`];
  if (parts.length >= 3) candidates.push(`${parts.slice(0, -1).join('/')}/_.html`);
  for (const c of candidates) {
    const file = path.join(STATIC_DIR, c);
    if (!file.startsWith(STATIC_DIR)) break;
    try {
      if (!(await stat(file)).isFile()) continue;
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': c.includes('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache' });
      return res.end(await readFile(file));
    } catch { /* next */ }
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found');
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const handler = routes[`${req.method} ${url.pathname}`];
  if (!handler) return url.pathname.startsWith('/api/') ? send(res, 404, { code: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}` }) : serveStatic(url, res);
  let body = {};
  if (req.method !== 'GET') {
    const chunks = []; for await (const c of req) chunks.push(c);
    try { body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {}; } catch { return send(res, 400, { code: 'BAD_JSON', message: 'body is not JSON' }); }
  }
  try { send(res, 200, handler(url.searchParams, body)); } catch (e) { send(res, e.status ?? 500, { code: e.code ?? 'INTERNAL', message: e.message }); }
});
function send(res, status, value) { res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }); res.end(JSON.stringify(value)); }

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (new URL(req.url, 'http://x').pathname !== '/ws') return socket.destroy();
  wss.handleUpgrade(req, socket, head, attach);
});
new WebSocketServer({ port: WS_PORT, host: '127.0.0.1' }).on('connection', attach);
server.listen(HTTP_PORT, '127.0.0.1', () => console.log(`mock exchange listening on http://127.0.0.1:${HTTP_PORT} (ws ${WS_PORT})`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
