import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExchangeSocket } from '@/lib/ws';
import { FakeSocket } from './fakeSocket';
import type { Candle, DepthDiff, PublicTrade, Ticker, UserFill } from '@/lib/types';

let sockets: FakeSocket[];
const last = () => sockets[sockets.length - 1] as FakeSocket;
const tick = () => new Promise<void>((r) => queueMicrotask(r));

function makeSocket() {
  sockets = [];
  const s = new ExchangeSocket(() => 'ws://test/ws', {
    createSocket: (url) => { const f = new FakeSocket(url); sockets.push(f); return f; },
    retryDelaysMs: [100, 200],
    ackTimeoutMs: 1000,
    now: () => 1234,
  });
  s.start();
  return s;
}

describe('ExchangeSocket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('subscribes once per stream, activates on acknowledgement, and decodes events', async () => {
    const s = makeSocket();
    const depth: DepthDiff[] = [];
    const trades: PublicTrade[] = [];
    const active = vi.fn();
    s.depth('TATA_INR', { onEvent: (d) => depth.push(d), onActive: active });
    s.depth('TATA_INR', { onEvent: () => undefined });
    s.trades('TATA_INR', { onEvent: (t) => trades.push(t) });
    last().open();
    expect(last().sent).toEqual([{ method: 'SUBSCRIBE', params: ['depth@TATA_INR', 'trade@TATA_INR'], id: 1 }]);
    expect(s.connection.state).toBe('live');

    // Events before the acknowledgement belong to no active subscription yet.
    last().receive({ e: 'depth', s: 'TATA_INR', U: 1, u: 1, a: [], b: [['1', '1']] });
    expect(depth).toHaveLength(0);
    last().ackAll();
    expect(active).toHaveBeenCalledTimes(1);

    last().receive('{"e":"depth","s":"TATA_INR","U":2,"u":3,"a":[["1009.28","7"]],"b":[["1009.28","3"]]}');
    last().receive('{"e":"trade","s":"TATA_INR","t":36005,"p":"1005.50","q":"10.25","m":true,"T":1740939427000}');
    last().receive('{"e":"trade","s":"INFY_INR","t":1,"p":"1","q":"1","m":false,"T":1}');
    expect(depth).toEqual([{ market: 'TATA_INR', firstId: 2, lastId: 3, asks: [['1009.28', '7']], bids: [['1009.28', '3']] }]);
    expect(trades).toEqual([{ id: '36005', price: '1005.50', quantity: '10.25', isBuyerMaker: true, time: 1740939427000 }]);
  });

  it('decodes ticker, fills and kline events', async () => {
    const s = makeSocket();
    const tickers: Ticker[] = [];
    const fills: UserFill[] = [];
    const candles: Candle[] = [];
    s.ticker('TATA_INR', { onEvent: (t) => tickers.push(t) });
    s.fills('TATA_INR', { onEvent: (f) => fills.push(f) });
    s.klines('TATA_INR', '1h', { onEvent: (c) => candles.push(c) });
    last().open();
    last().ackAll();
    last().receive({ e: 'ticker', s: 'TATA_INR', startTime: 'x', firstPrice: '1002.97', high: '1009.86', low: '1000.26', lastPrice: '1002.77', volume: '3542.95', priceChange: '-0.27', priceChangePercent: '-0.03' });
    last().receive({ e: 'fills', s: 'TATA_INR', orderId: 'o1', price: '1005.50', quantity: '10.25', tradeId: 36005, userId: '5' });
    last().receive('{"e":"kline","s":"TATA_INR","timestamp":"2025-03-03T18:00:00.000Z","open":"1006.23","high":"1009.86","low":"1000.17","close":"1003.22","volume":"4082.56"}');
    expect(tickers[0]).toMatchObject({ symbol: 'TATA_INR', lastPrice: '1002.77', priceChangePercent: '-0.03' });
    expect(fills).toEqual([{ market: 'TATA_INR', tradeId: '36005', orderId: 'o1', userId: '5', price: '1005.50', quantity: '10.25', receivedAt: 1234 }]);
    expect(candles).toEqual([{ time: Date.parse('2025-03-03T18:00:00.000Z') / 1000, open: '1006.23', high: '1009.86', low: '1000.17', close: '1003.22', volume: '4082.56' }]);
  });

  it('unsubscribes when the last handler leaves, and drops old-interval klines until acknowledged', async () => {
    const s = makeSocket();
    const got: string[] = [];
    const off1m = s.klines('TATA_INR', '1m', { onEvent: (c) => got.push(`1m:${c.close}`) });
    last().open();
    last().ackAll();
    off1m();
    s.klines('TATA_INR', '1h', { onEvent: (c) => got.push(`1h:${c.close}`) });
    await tick();
    const sock = last();
    expect(sock.sent.slice(1)).toEqual([
      { method: 'UNSUBSCRIBE', params: ['kline@TATA_INR:1m'], id: 2 },
      { method: 'SUBSCRIBE', params: ['kline@TATA_INR:1h'], id: 3 },
    ]);
    const kline = (close: string) => ({ e: 'kline', s: 'TATA_INR', timestamp: '2025-03-03T18:00:00.000Z', open: '1', high: '1', low: '1', close, volume: '1' });
    sock.receive(kline('1'));           // a 1m candle still in flight
    sock.receive({ result: null, id: 2 });
    sock.receive({ result: null, id: 3 });
    sock.receive(kline('2'));
    expect(got).toEqual(['1h:2']);
  });

  it('coalesces a subscribe and unsubscribe in the same tick', async () => {
    const s = makeSocket();
    last().open();
    const off = s.depth('X_Y', { onEvent: () => undefined });
    off();
    await tick();
    expect(last().sent).toEqual([]);
  });

  it('reconnects with backoff, reports the state, and resubscribes everything', async () => {
    const s = makeSocket();
    const states: string[] = [];
    s.onConnection((i) => states.push(`${i.state}:${i.attempt}`));
    const active = vi.fn();
    s.depth('TATA_INR', { onEvent: () => undefined, onActive: active });
    last().open();
    last().ackAll();
    expect(active).toHaveBeenCalledTimes(1);

    last().drop();
    expect(s.connection.state).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().drop();                      // the exchange is still down
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(last().sent).toEqual([{ method: 'SUBSCRIBE', params: ['depth@TATA_INR'], id: 2 }]);
    last().ackAll();
    expect(active).toHaveBeenCalledTimes(2);
    expect(states).toEqual(['live:0', 'reconnecting:1', 'reconnecting:2', 'live:0']);
    expect(s.connection.session).toBe(2);
  });

  it('treats an unacknowledged subscription as active after a timeout, and survives bad frames', async () => {
    const s = makeSocket();
    const active = vi.fn();
    const events = vi.fn();
    s.trades('TATA_INR', { onEvent: events, onActive: active });
    last().open();
    last().receive('not json');
    last().receive({ e: 'trade', s: 'TATA_INR', p: 'abc' });
    vi.advanceTimersByTime(1000);
    expect(active).toHaveBeenCalledTimes(1);
    last().receive({ e: 'trade', s: 'TATA_INR', t: 1, p: '1', q: '1', m: false, T: 5 });
    expect(events).toHaveBeenCalledTimes(1);
  });

  it('gives a late subscriber onActive for an already active stream', async () => {
    const s = makeSocket();
    s.depth('TATA_INR', { onEvent: () => undefined });
    last().open();
    last().ackAll();
    const active = vi.fn();
    s.depth('TATA_INR', { onEvent: () => undefined, onActive: active });
    await tick();
    expect(active).toHaveBeenCalledTimes(1);
    expect(last().sent).toHaveLength(1);
  });

  it('keeps a stream live when its last handler is replaced in the same tick (an effect re-run)', async () => {
    const s = makeSocket();
    const off = s.fills('TATA_INR', { onEvent: () => undefined });
    last().open();
    last().ackAll();
    // React runs an effect's cleanup and its next run together, e.g. when the user is switched.
    off();
    const fills: string[] = [];
    const active = vi.fn();
    s.fills('TATA_INR', { onEvent: (f) => fills.push(f.orderId), onActive: active });
    await tick();
    expect(last().sent).toHaveLength(1);
    expect(active).toHaveBeenCalledTimes(1);
    last().receive({ e: 'fills', s: 'TATA_INR', orderId: 'o2', price: '1', quantity: '1', tradeId: 2, userId: '77' });
    expect(fills).toEqual(['o2']);
  });

  it('activates a replaced handler once its subscription is acknowledged', async () => {
    const s = makeSocket();
    const off = s.depth('TATA_INR', { onEvent: () => undefined });
    last().open();
    off();
    const active = vi.fn();
    s.depth('TATA_INR', { onEvent: () => undefined, onActive: active });
    await tick();
    expect(active).not.toHaveBeenCalled();
    last().ackAll();
    expect(active).toHaveBeenCalledTimes(1);
  });
});

describe('ExchangeSocket connection timeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('drops a connection that never opens and tries again', () => {
    sockets = [];
    const s = new ExchangeSocket(() => 'ws://test/ws', {
      createSocket: (url) => {
        const f = new FakeSocket(url);
        f.close = () => { f.readyState = 3; f.onclose?.({}); };
        sockets.push(f);
        return f;
      },
      retryDelaysMs: [100],
      connectTimeoutMs: 1000,
    });
    s.start();
    vi.advanceTimersByTime(999);
    expect(s.connection.state).toBe('connecting');
    vi.advanceTimersByTime(1);
    expect(s.connection.state).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(s.connection.state).toBe('live');
  });
});

describe('ExchangeSocket refusals', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const TATA = ['depth@TATA_INR', 'trade@TATA_INR', 'ticker@TATA_INR', 'fills@TATA_INR', 'kline@TATA_INR:1h'];
  const refuse = (id: number, code: string, message: string) => last().receive({ error: { code, message }, id });
  const ack = (id: number) => last().receive({ result: null, id });
  const sentSince = (n: number) => last().sent.slice(n).map(({ method, params }) => `${method} ${params.join(' ')}`);
  const unsubscribed = (s: ExchangeSocket) => s.connection.unsubscribed.map((u) => `${u.stream} ${u.reason} ${u.code}${u.optional ? ' optional' : ''}`);
  /** The trade view's streams of TATA_INR, essential, and optional tickers of `others`. */
  function tradeView(s: ExchangeSocket, others: readonly string[]) {
    const got: string[] = [];
    const active: string[] = [];
    const on = (name: string) => ({ onEvent: () => got.push(name), onActive: () => active.push(name) });
    // In the order React's effects run them: children first, the book's provider last.
    s.ticker('TATA_INR', on('ticker'));
    s.klines('TATA_INR', '1h', on('kline'));
    s.trades('TATA_INR', on('trade'));
    s.fills('TATA_INR', on('fills'));
    s.depth('TATA_INR', on('depth'));
    const offs = others.map((m) => s.ticker(m, on(`ticker@${m}`), { optional: true }));
    return { got, active, offs };
  }

  it('does not activate the streams of a refused SUBSCRIBE, says so, and asks again after a backoff, each alone', async () => {
    const s = makeSocket();
    const states: number[] = [];
    s.onConnection((i) => { if (states[states.length - 1] !== i.unsubscribed.length) states.push(i.unsubscribed.length); });
    const depth: DepthDiff[] = [];
    const active = vi.fn();
    s.depth('TATA_INR', { onEvent: (d) => depth.push(d), onActive: active });
    s.trades('TATA_INR', { onEvent: () => undefined, onActive: active });
    last().open();
    refuse(1, 'UNAVAILABLE', 'streams are not available on this node');
    expect(active).not.toHaveBeenCalled();
    last().receive({ e: 'depth', s: 'TATA_INR', U: 1, u: 1, a: [], b: [['1', '1']] });
    expect(depth).toEqual([]);
    expect(unsubscribed(s)).toEqual(['depth@TATA_INR refused UNAVAILABLE', 'trade@TATA_INR refused UNAVAILABLE']);
    expect(s.connection.unsubscribed[0]?.message).toBe('streams are not available on this node');
    expect(s.connection.state).toBe('live');

    // Nothing before the backoff (1 s here), then each stream in a SUBSCRIBE of its own.
    vi.advanceTimersByTime(999);
    expect(last().sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await tick();
    expect(sentSince(1)).toEqual(['SUBSCRIBE depth@TATA_INR', 'SUBSCRIBE trade@TATA_INR']);
    // Still not live while asked again.
    expect(unsubscribed(s)).toHaveLength(2);
    ack(2);
    expect(active).toHaveBeenCalledTimes(1);
    expect(unsubscribed(s)).toEqual(['trade@TATA_INR refused UNAVAILABLE']);
    refuse(3, 'UNAVAILABLE', 'still not');
    // The second refusal in a row waits longer (2 s here).
    vi.advanceTimersByTime(1999);
    await tick();
    expect(last().sent).toHaveLength(3);
    vi.advanceTimersByTime(1);
    await tick();
    expect(sentSince(3)).toEqual(['SUBSCRIBE trade@TATA_INR']);
    ack(4);
    expect(active).toHaveBeenCalledTimes(2);
    expect(s.connection.unsubscribed).toEqual([]);
    expect(states).toEqual([0, 2, 1, 0]);
  });

  it('takes back a subscription assumed after the ack timeout when the refusal comes late', async () => {
    const s = makeSocket();
    const events = vi.fn();
    s.trades('TATA_INR', { onEvent: events });
    last().open();
    vi.advanceTimersByTime(1000);
    const trade = { e: 'trade', s: 'TATA_INR', t: 1, p: '1', q: '1', m: false, T: 5 };
    last().receive(trade);
    expect(events).toHaveBeenCalledTimes(1);
    refuse(1, 'UNAVAILABLE', 'late');
    last().receive(trade);
    expect(events).toHaveBeenCalledTimes(1);
    expect(unsubscribed(s)).toEqual(['trade@TATA_INR refused UNAVAILABLE']);
  });

  it("sends the essential streams apart from the optional ones, learns the exchange's limit and fills the room left", async () => {
    const s = makeSocket();
    const view = tradeView(s, ['A_INR', 'B_INR', 'C_INR']);
    last().open();
    // The book's streams first, in a SUBSCRIBE of their own: a refusal of the extras leaves them be.
    expect(sentSince(0)).toEqual([`SUBSCRIBE ${TATA.join(' ')}`, 'SUBSCRIBE ticker@A_INR ticker@B_INR ticker@C_INR']);
    ack(1);
    refuse(2, 'TOO_MANY_STREAMS', 'at most 7 streams per connection (5 subscribed)');
    await tick();
    expect(sentSince(2)).toEqual(['SUBSCRIBE ticker@A_INR ticker@B_INR']);
    ack(3);
    expect(view.active.sort()).toEqual(['depth', 'fills', 'kline', 'ticker', 'ticker@A_INR', 'ticker@B_INR', 'trade']);
    expect(unsubscribed(s)).toEqual(['ticker@C_INR waiting TOO_MANY_STREAMS optional']);
    expect(s.connection.unsubscribed[0]?.message).toBe('at most 7 streams per connection');
    last().receive({ e: 'depth', s: 'TATA_INR', U: 1, u: 1, a: [], b: [['1', '1']] });
    expect(view.got).toEqual(['depth']);

    // Room freed: the waiting stream takes it, nothing more is asked for.
    view.offs[0]?.();
    await tick();
    expect(sentSince(3)).toEqual(['UNSUBSCRIBE ticker@A_INR', 'SUBSCRIBE ticker@C_INR']);
    ack(5);
    expect(s.connection.unsubscribed).toEqual([]);
  });

  it('gives an essential stream the room of an optional one', async () => {
    const s = makeSocket();
    const view = tradeView(s, ['A_INR', 'B_INR']);
    last().open();
    ack(1);
    refuse(2, 'TOO_MANY_STREAMS', 'at most 6 streams per connection (5 subscribed)');
    await tick();
    expect(sentSince(2)).toEqual(['SUBSCRIBE ticker@A_INR']);
    ack(3);
    // A new essential stream with the connection full (as far as it is known): the optional
    // ticker subscribed last gives way, without a refusal first.
    const offs = [s.klines('TATA_INR', '1m', { onEvent: () => undefined })];
    await tick();
    expect(sentSince(3)).toEqual(['UNSUBSCRIBE ticker@A_INR', 'SUBSCRIBE kline@TATA_INR:1m']);
    ack(5);
    expect(unsubscribed(s)).toEqual(['ticker@A_INR waiting TOO_MANY_STREAMS optional', 'ticker@B_INR waiting TOO_MANY_STREAMS optional']);
    last().receive({ e: 'ticker', s: 'A_INR', startTime: 'x', firstPrice: '1', high: '1', low: '1', lastPrice: '1', volume: '1', priceChange: '0', priceChangePercent: '0' });
    expect(view.got).toEqual([]);
    // An optional stream that becomes essential (say, the ticker bar of that market) gets room too:
    // once the extra kline leaves, and the waiting optional one after it.
    offs.push(s.ticker('B_INR', { onEvent: () => undefined }));
    await tick();
    expect(sentSince(5)).toEqual([]);
    offs[0]?.();
    await tick();
    expect(sentSince(5)).toEqual(['UNSUBSCRIBE kline@TATA_INR:1m', 'SUBSCRIBE ticker@B_INR']);
  });

  it('makes room for essential streams refused because optional ones came first', async () => {
    const s = makeSocket();
    s.ticker('A_INR', { onEvent: () => undefined }, { optional: true });
    s.ticker('B_INR', { onEvent: () => undefined }, { optional: true });
    last().open();
    ack(1);
    tradeView(s, []);
    await tick();
    expect(sentSince(1)).toEqual([`SUBSCRIBE ${TATA.join(' ')}`]);
    refuse(2, 'TOO_MANY_STREAMS', 'at most 6 streams per connection (2 subscribed)');
    await tick();
    expect(sentSince(2)).toEqual(['UNSUBSCRIBE ticker@B_INR', `SUBSCRIBE ${TATA.join(' ')}`]);
    ack(4);
    expect(unsubscribed(s)).toEqual(['ticker@B_INR waiting TOO_MANY_STREAMS optional']);
  });

  it('subscribes the book first when even the essential streams do not all fit', async () => {
    const s = makeSocket();
    tradeView(s, []);
    last().open();
    refuse(1, 'TOO_MANY_STREAMS', 'at most 2 streams per connection (0 subscribed)');
    await tick();
    expect(sentSince(1)).toEqual(['SUBSCRIBE depth@TATA_INR trade@TATA_INR']);
    ack(2);
    expect(unsubscribed(s)).toEqual(['ticker@TATA_INR waiting TOO_MANY_STREAMS', 'kline@TATA_INR:1h waiting TOO_MANY_STREAMS',
      'fills@TATA_INR waiting TOO_MANY_STREAMS']);
  });

  it('after a reconnect with many optional streams, subscribes the essential ones first, on their own', async () => {
    const s = makeSocket();
    const markets = Array.from({ length: 70 }, (_, i) => `M${i}_INR`);
    const view = tradeView(s, markets);
    last().open();
    ack(1);
    refuse(2, 'TOO_MANY_STREAMS', 'at most 64 streams per connection (5 subscribed)');
    await tick();
    expect(last().sent[2]?.params).toEqual(markets.slice(0, 59).map((m) => `ticker@${m}`));
    ack(3);
    expect(s.connection.unsubscribed).toHaveLength(11);

    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    // A new connection learns its limit afresh; the book's streams never share its refusal.
    expect(sentSince(0)).toEqual([`SUBSCRIBE ${TATA.join(' ')}`, `SUBSCRIBE ${markets.map((m) => `ticker@${m}`).join(' ')}`]);
    const id = (n: number) => last().sent[n]?.id ?? -1;
    ack(id(0));
    refuse(id(1), 'TOO_MANY_STREAMS', 'at most 64 streams per connection (5 subscribed)');
    await tick();
    expect(last().sent[2]?.params).toHaveLength(59);
    ack(id(2));
    expect(view.active.filter((a) => !a.includes('@'))).toEqual(['depth', 'trade', 'ticker', 'fills', 'kline', 'depth', 'trade', 'ticker', 'fills', 'kline']);
    expect(s.connection.unsubscribed.every((u) => u.optional && u.reason === 'waiting')).toBe(true);
  });

  it('halves what it asks for when a refusal does not say the limit', async () => {
    const s = makeSocket();
    for (let i = 0; i < 8; i++) s.ticker(`M${i}_INR`, { onEvent: () => undefined });
    last().open();
    refuse(1, 'TOO_MANY_STREAMS', 'too many');
    await tick();
    expect(last().sent[1]?.params).toHaveLength(4);
    refuse(2, 'TOO_MANY_STREAMS', 'too many');
    await tick();
    expect(last().sent[2]?.params).toHaveLength(2);
    ack(3);
    expect(s.connection.unsubscribed).toHaveLength(6);
  });
});
