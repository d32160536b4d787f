// A WebSocket the tests drive by hand: what the page sent, and what it receives.
import type { SocketLike } from '@/lib/ws';

export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  sent: { method: string; params: string[]; id: number }[] = [];
  constructor(readonly url = 'ws://test/ws') {}
  send(data: string) { this.sent.push(JSON.parse(data)); }
  close() { this.readyState = 3; }
  open() { this.readyState = 1; this.onopen?.({}); }
  drop() { this.readyState = 3; this.onclose?.({}); }
  receive(msg: unknown) { this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) }); }
  /** Acknowledges every request sent so far. */
  ackAll() { for (const m of this.sent) this.receive({ result: null, id: m.id }); }
}
