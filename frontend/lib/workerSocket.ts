/**
 * The page's end of lib/socket.worker.ts: WebSocket-like objects (SocketLike) whose connection
 * lives in the worker. Connections share one worker and are told apart by id. Events arrive parsed
 * and in batches (`onparsed`), so ExchangeSocket handles a burst in one task.
 *
 * If the worker fails (it could not be loaded, or threw), its connections close and every later
 * one is a plain WebSocket on the main thread: slower under load, but the page keeps working.
 */
import type { RelayCommand, RelayEvent } from './socketRelay';
import type { SocketLike } from './ws';

/** The members of Worker used here (a fake in tests). */
export interface WorkerLike {
  postMessage(command: RelayCommand): void;
  onmessage: ((ev: { data: RelayEvent }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  terminate(): void;
}

const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;

class WorkerSocket implements SocketLike {
  readyState = CONNECTING;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onparsed: ((messages: readonly unknown[]) => void) | null = null;

  constructor(private readonly id: number, private readonly post: (command: RelayCommand) => void) {}

  send(data: string): void {
    if (this.readyState === OPEN) this.post({ type: 'send', id: this.id, data });
  }

  close(): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    this.post({ type: 'close', id: this.id });
  }

  /** From the worker. */
  receive(event: RelayEvent): void {
    switch (event.type) {
      case 'open':
        if (this.readyState !== CONNECTING) return;
        this.readyState = OPEN;
        this.onopen?.({});
        return;
      case 'messages':
        if (this.readyState === OPEN) this.onparsed?.(event.messages);
        return;
      case 'close':
        this.closed();
        return;
    }
  }

  closed(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.onclose?.({});
  }
}

/**
 * A `createSocket` for ExchangeSocket that opens connections in `worker`, or with `fallback` once
 * the worker has failed.
 */
export function workerSockets(worker: WorkerLike, fallback: (url: string) => SocketLike): (url: string) => SocketLike {
  const sockets = new Map<number, WorkerSocket>();
  let nextId = 1;
  let broken = false;
  worker.onmessage = (ev) => {
    const socket = sockets.get(ev.data.id);
    if (ev.data.type === 'close') sockets.delete(ev.data.id);
    socket?.receive(ev.data);
  };
  worker.onerror = () => {
    broken = true;
    worker.terminate();
    const lost = [...sockets.values()];
    sockets.clear();
    for (const s of lost) s.closed();
  };
  return (url) => {
    if (broken) return fallback(url);
    const id = nextId++;
    const socket = new WorkerSocket(id, (command) => worker.postMessage(command));
    sockets.set(id, socket);
    worker.postMessage({ type: 'open', id, url });
    return socket;
  };
}
