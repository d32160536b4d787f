import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RelayCommand, RelayEvent } from '@/lib/socketRelay';
import { workerSockets, type WorkerLike } from '@/lib/workerSocket';
import { ExchangeSocket, type SocketLike } from '@/lib/ws';
import type { PublicTrade } from '@/lib/types';

class FakeWorker implements WorkerLike {
  commands: RelayCommand[] = [];
  onmessage: ((ev: { data: RelayEvent }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  terminated = false;
  postMessage(command: RelayCommand) { this.commands.push(command); }
  terminate() { this.terminated = true; }
  emit(event: RelayEvent) { this.onmessage?.({ data: event }); }
  /** Acknowledges every SUBSCRIBE sent on connection `id` so far. */
  ackAll(id: number) {
    const acks = this.commands.flatMap((c) => (c.type === 'send' && c.id === id ? [{ result: null, id: (JSON.parse(c.data) as { id: number }).id }] : []));
    this.emit({ type: 'messages', id, messages: acks });
  }
}

const tick = () => new Promise<void>((r) => queueMicrotask(r));

describe('worker sockets', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('carries an ExchangeSocket connection through the worker, events in batches', async () => {
    const worker = new FakeWorker();
    const s = new ExchangeSocket(() => 'ws://test/ws', { createSocket: workerSockets(worker, () => { throw new Error('no fallback'); }) });
    s.start();
    const trades: PublicTrade[] = [];
    s.trades('TATA_INR', { onEvent: (t) => trades.push(t) });
    expect(worker.commands).toEqual([{ type: 'open', id: 1, url: 'ws://test/ws' }]);
    worker.emit({ type: 'open', id: 1 });
    await tick();
    expect(s.connection.state).toBe('live');
    expect(worker.commands[1]).toEqual({ type: 'send', id: 1, data: JSON.stringify({ method: 'SUBSCRIBE', params: ['trade@TATA_INR'], id: 1 }) });
    worker.ackAll(1);
    worker.emit({ type: 'messages', id: 1, messages: [1, 2, 3].map((t) => ({ e: 'trade', s: 'TATA_INR', t, p: '1000.5', q: '2', m: false, T: 1000 + t })) });
    expect(trades.map((t) => t.id)).toEqual(['1', '2', '3']);
    s.stop();
    expect(worker.commands.at(-1)).toEqual({ type: 'close', id: 1 });
  });

  it('reconnects over a new connection id when the worker reports a close', () => {
    const worker = new FakeWorker();
    const s = new ExchangeSocket(() => 'ws://test/ws', { createSocket: workerSockets(worker, () => { throw new Error('no fallback'); }), retryDelaysMs: [100] });
    s.start();
    worker.emit({ type: 'open', id: 1 });
    worker.emit({ type: 'close', id: 1 });
    expect(s.connection.state).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    expect(worker.commands.at(-1)).toEqual({ type: 'open', id: 2, url: 'ws://test/ws' });
  });

  it('falls back to the main-thread socket when the worker fails', () => {
    const worker = new FakeWorker();
    const native: string[] = [];
    const fallback = (url: string): SocketLike => {
      native.push(url);
      return { readyState: 0, onopen: null, onclose: null, onerror: null, onmessage: null, send: () => undefined, close: () => undefined };
    };
    const s = new ExchangeSocket(() => 'ws://test/ws', { createSocket: workerSockets(worker, fallback), retryDelaysMs: [100] });
    s.start();
    worker.onerror?.({});
    expect(worker.terminated).toBe(true);
    expect(s.connection.state).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    expect(native).toEqual(['ws://test/ws']);
  });
});
