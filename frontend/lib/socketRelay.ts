/**
 * The WebSocket side of lib/socket.worker.ts, kept free of worker globals so it can be tested.
 *
 * Why a worker: at 200 orders/s the exchange sends ~700 frames/s, one small JSON event each. On
 * the page's main thread every frame is its own task (IPC receive, JSON.parse, a microtask
 * checkpoint), and together they kept the thread busy for most of each 16 ms frame. Here they
 * are received and parsed off the main thread and handed over in batches: at most one message to
 * the page every BATCH_MS, however fast the exchange sends, with the events that only supersede
 * one another merged (lib/coalesce.ts). A lone message (an acknowledgement, a quiet market's
 * event) still goes at once.
 */
import { coalesceEvents } from './coalesce';
import { parseEvent } from './wire';

/** Page -> worker. `id` names one connection; a reconnect opens a new one. */
export type RelayCommand =
  | { type: 'open'; id: number; url: string }
  | { type: 'send'; id: number; data: string }
  | { type: 'close'; id: number };

/** Worker -> page. `messages` are parsed events and replies, in the order received. */
export type RelayEvent =
  | { type: 'open'; id: number }
  | { type: 'close'; id: number }
  | { type: 'messages'; id: number; messages: unknown[] };

/** The few WebSocket members the relay uses (the browser's WebSocket, or a fake in tests). */
export interface RelaySocket {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface RelayOptions {
  createSocket: (url: string) => RelaySocket;
  /** Shortest time between two batches of one connection. */
  batchMs?: number;
  now?: () => number;
}

/**
 * Half the page's fastest redraw interval (100 ms, lib/frameThrottle.ts): an event reaches the
 * page at most 50 ms later than it would alone, and a busy market costs the page 20 messages a
 * second instead of 700.
 */
export const BATCH_MS = 50;

interface Connection {
  socket: RelaySocket;
  pending: unknown[];
  timer: ReturnType<typeof setTimeout> | null;
  lastFlush: number;
}

export function createRelay(post: (event: RelayEvent) => void, options: RelayOptions): { handle(command: RelayCommand): void } {
  const batchMs = options.batchMs ?? BATCH_MS;
  const now = options.now ?? (() => performance.now());
  const connections = new Map<number, Connection>();

  const flush = (id: number, c: Connection) => {
    c.timer = null;
    if (c.pending.length === 0) return;
    c.lastFlush = now();
    const messages = coalesceEvents(c.pending);
    c.pending = [];
    post({ type: 'messages', id, messages });
  };

  const open = (id: number, url: string) => {
    let socket: RelaySocket;
    try {
      socket = options.createSocket(url);
    } catch {
      post({ type: 'close', id });
      return;
    }
    const c: Connection = { socket, pending: [], timer: null, lastFlush: -Infinity };
    connections.set(id, c);
    socket.onopen = () => post({ type: 'open', id });
    socket.onerror = () => { /* onclose follows */ };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let message: unknown;
      try {
        message = parseEvent(ev.data);
      } catch {
        return; // a malformed frame is dropped, as on the page
      }
      c.pending.push(message);
      if (c.timer === null) c.timer = setTimeout(() => flush(id, c), Math.max(0, c.lastFlush + batchMs - now()));
    };
    socket.onclose = () => {
      // Everything received before the close is delivered before it.
      if (c.timer !== null) clearTimeout(c.timer);
      flush(id, c);
      connections.delete(id);
      post({ type: 'close', id });
    };
  };

  return {
    handle(command) {
      switch (command.type) {
        case 'open':
          open(command.id, command.url);
          return;
        case 'send':
          connections.get(command.id)?.socket.send(command.data);
          return;
        case 'close':
          connections.get(command.id)?.socket.close();
          return;
      }
    },
  };
}
