import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRelay, type RelayEvent, type RelaySocket } from '@/lib/socketRelay';

class FakeSocket implements RelaySocket {
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) { this.sent.push(data); }
  close() { this.closed = true; }
}

function setup(batchMs = 16) {
  const posted: RelayEvent[] = [];
  const sockets: FakeSocket[] = [];
  const relay = createRelay((e) => posted.push(e), {
    createSocket: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    batchMs,
    now: () => Date.now(),
  });
  return { posted, sockets, relay };
}

describe('socket relay', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens, sends and closes connections by id', () => {
    const { posted, sockets, relay } = setup();
    relay.handle({ type: 'open', id: 1, url: 'ws://x/ws' });
    expect(sockets[0]?.url).toBe('ws://x/ws');
    sockets[0]?.onopen?.({});
    relay.handle({ type: 'send', id: 1, data: '{"method":"SUBSCRIBE"}' });
    relay.handle({ type: 'send', id: 2, data: 'to nobody' });
    expect(sockets[0]?.sent).toEqual(['{"method":"SUBSCRIBE"}']);
    relay.handle({ type: 'close', id: 1 });
    expect(sockets[0]?.closed).toBe(true);
    sockets[0]?.onclose?.({});
    expect(posted).toEqual([{ type: 'open', id: 1 }, { type: 'close', id: 1 }]);
  });

  it('delivers a lone message at once and a burst in one batch per interval, parsed and in order', () => {
    const { posted, sockets, relay } = setup(16);
    relay.handle({ type: 'open', id: 7, url: 'ws://x/ws' });
    const s = sockets[0] as FakeSocket;
    s.onmessage?.({ data: '{"result":null,"id":1}' });
    vi.advanceTimersByTime(0);
    expect(posted).toEqual([{ type: 'messages', id: 7, messages: [{ result: null, id: 1 }] }]);

    // A burst right after: held until 16 ms after the last batch, then sent together.
    for (let i = 0; i < 5; i++) s.onmessage?.({ data: `{"e":"trade","t":${i}}` });
    s.onmessage?.({ data: 'not json' });
    s.onmessage?.({ data: new ArrayBuffer(2) });
    vi.advanceTimersByTime(15);
    expect(posted).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(posted).toHaveLength(2);
    expect(posted[1]).toEqual({ type: 'messages', id: 7, messages: [0, 1, 2, 3, 4].map((t) => ({ e: 'trade', t })) });
  });

  it('delivers what was received before a close ahead of the close', () => {
    const { posted, sockets, relay } = setup(16);
    relay.handle({ type: 'open', id: 1, url: 'ws://x/ws' });
    const s = sockets[0] as FakeSocket;
    s.onmessage?.({ data: '{"a":1}' });
    s.onclose?.({});
    expect(posted).toEqual([{ type: 'messages', id: 1, messages: [{ a: 1 }] }, { type: 'close', id: 1 }]);
    vi.runAllTimers();
    expect(posted).toHaveLength(2);
  });

  it('reports a connection that cannot be created as closed', () => {
    const posted: RelayEvent[] = [];
    const relay = createRelay((e) => posted.push(e), { createSocket: () => { throw new Error('bad url'); } });
    relay.handle({ type: 'open', id: 3, url: 'nonsense' });
    expect(posted).toEqual([{ type: 'close', id: 3 }]);
  });
});
