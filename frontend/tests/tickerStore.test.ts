import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickerStore } from '@/lib/tickerStore';
import { ExchangeSocket } from '@/lib/ws';
import { FakeSocket } from './fakeSocket';
import type { Ticker } from '@/lib/types';

const tick = () => new Promise<void>((r) => queueMicrotask(r));
const ticker = (symbol: string): Ticker => ({
  symbol, startTime: 'x', firstPrice: '1', high: '1', low: '1', lastPrice: '1', volume: '1', priceChange: '0', priceChangePercent: '0',
}) as Ticker;

describe('TickerStore', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("subscribes a market's ticker as optional only while every component showing it is optional", async () => {
    const fake = new FakeSocket();
    const socket = new ExchangeSocket(() => 'ws://test/ws', { createSocket: () => fake, ackTimeoutMs: 1000 });
    socket.start();
    const store = new TickerStore(() => socket, (s) => Promise.resolve(ticker(s)));
    fake.open();
    // The market menu's rows: optional. The limit: room for one stream.
    const menuA = store.subscribe('A_INR', () => undefined, true);
    store.subscribe('B_INR', () => undefined, true);
    await tick();
    fake.receive({ error: { code: 'TOO_MANY_STREAMS', message: 'at most 1 streams per connection (0 subscribed)' }, id: 1 });
    await tick();
    expect(fake.sent.map((m) => `${m.method} ${m.params.join(' ')}`)).toEqual(['SUBSCRIBE ticker@A_INR ticker@B_INR', 'SUBSCRIBE ticker@A_INR']);
    fake.receive({ result: null, id: 2 });
    expect(socket.connection.unsubscribed.map((u) => [u.stream, u.optional])).toEqual([['ticker@B_INR', true]]);

    // The ticker bar of B: essential, it takes A's room; the stream of B is subscribed once.
    const bar = store.subscribe('B_INR', () => undefined);
    await tick();
    expect(fake.sent.slice(2).map((m) => `${m.method} ${m.params.join(' ')}`)).toEqual(['UNSUBSCRIBE ticker@A_INR', 'SUBSCRIBE ticker@B_INR']);
    fake.receive({ result: null, id: 3 });
    fake.receive({ result: null, id: 4 });
    expect(socket.connection.unsubscribed.map((u) => [u.stream, u.optional])).toEqual([['ticker@A_INR', true]]);
    // The menu closes: A is no longer wanted; B stays as it is.
    menuA();
    await tick();
    expect(socket.connection.unsubscribed).toEqual([]);
    expect(fake.sent).toHaveLength(4);
    bar();
    await tick();
    // B's menu row still shows it: subscribed, now optional again.
    expect(fake.sent).toHaveLength(4);
  });
});
