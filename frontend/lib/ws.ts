/**
 * Typed client for the exchange's WebSocket streams (shared/API.md): one connection shared by the
 * whole page, reference-counted subscriptions, automatic reconnection with backoff, and decoding of
 * every event into the app's types.
 *
 * A subscription is "active" once the exchange acknowledged its SUBSCRIBE on the current
 * connection. Subscribers get `onActive` each time that happens (first subscribe and after every
 * reconnect): that is when they (re)load the REST state the stream continues from, since events
 * sent while disconnected are lost.
 */
import type { Candle, DepthDiff, PublicTrade, Ticker, UserFill } from './types';
import * as wire from './wire';
import { workerSockets, type WorkerLike } from './workerSocket';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

export interface ConnectionInfo {
  readonly state: ConnectionState;
  /** Failed attempts since the connection was last live. */
  readonly attempt: number;
  /** Counts connections that became live. */
  readonly session: number;
}

export interface StreamHandler<T> {
  onEvent(event: T): void;
  /** Called when the subscription becomes active (after its acknowledgement, and after each reconnect). */
  onActive?(): void;
}

type AnyHandler = StreamHandler<unknown>;

interface StreamSub {
  readonly handlers: Set<AnyHandler>;
  active: boolean;
}

/** Minimal shape of the browser WebSocket used here (so tests can inject a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  /** Messages already parsed, several at a time (a connection held by lib/socket.worker.ts). */
  onparsed?: ((messages: readonly unknown[]) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface SocketOptions {
  createSocket?: (url: string) => SocketLike;
  /** Delays before reconnect attempts 1, 2, ...; the last one repeats. */
  retryDelaysMs?: readonly number[];
  /** A subscription not acknowledged within this time is treated as active anyway. */
  ackTimeoutMs?: number;
  /** A connection not open within this time is dropped and tried again. */
  connectTimeoutMs?: number;
  now?: () => number;
}

const OPEN = 1;

export const streams = {
  depth: (market: string) => `depth@${market}`,
  trades: (market: string) => `trade@${market}`,
  ticker: (market: string) => `ticker@${market}`,
  fills: (market: string) => `fills@${market}`,
  klines: (market: string, interval: string) => `kline@${market}:${interval}`,
};

type Obj = Record<string, unknown>;

type Method = 'SUBSCRIBE' | 'UNSUBSCRIBE';

interface PendingAck {
  readonly method: Method;
  readonly streams: readonly string[];
  readonly timer: ReturnType<typeof setTimeout>;
}

export class ExchangeSocket {
  private socket: SocketLike | null = null;
  private info: ConnectionInfo = { state: 'connecting', attempt: 0, session: 0 };
  private readonly connectionListeners = new Set<(info: ConnectionInfo) => void>();
  private readonly subs = new Map<string, StreamSub>();
  /** Streams subscribed on the current connection. */
  private readonly sent = new Set<string>();
  private readonly pendingAcks = new Map<number, PendingAck>();
  /** Markets with an unacknowledged kline UNSUBSCRIBE: their kline events may be of the old interval. */
  private readonly klineUnsubscribing = new Map<string, number>();
  private nextId = 1;
  private flushQueued = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly retryDelaysMs: readonly number[];
  private readonly ackTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly url: () => string, options: SocketOptions = {}) {
    this.createSocket = options.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.retryDelaysMs = options.retryDelaysMs ?? [250, 500, 1000, 2000, 3000];
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  get connection(): ConnectionInfo {
    return this.info;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  stop(): void {
    this.started = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = s.onerror = s.onmessage = s.onopen = null;
      s.onparsed = null;
      s.close();
    }
    this.resetConnectionState();
  }

  onConnection(listener: (info: ConnectionInfo) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  depth(market: string, h: StreamHandler<DepthDiff>): () => void {
    return this.subscribe(streams.depth(market), h);
  }
  trades(market: string, h: StreamHandler<PublicTrade>): () => void {
    return this.subscribe(streams.trades(market), h);
  }
  ticker(market: string, h: StreamHandler<Ticker>): () => void {
    return this.subscribe(streams.ticker(market), h);
  }
  fills(market: string, h: StreamHandler<UserFill>): () => void {
    return this.subscribe(streams.fills(market), h);
  }
  klines(market: string, interval: string, h: StreamHandler<Candle>): () => void {
    return this.subscribe(streams.klines(market, interval), h);
  }

  /** Adds a handler for a stream; returns the function that removes it. */
  subscribe<T>(stream: string, handler: StreamHandler<T>): () => void {
    const h = handler as AnyHandler;
    // A stream whose last handler left in this same tick (an effect's cleanup and re-run) is still
    // subscribed on the connection, and no request about it will go out: it stays as active as it was.
    const sub = this.subs.get(stream)
      ?? { handlers: new Set<AnyHandler>(), active: this.sent.has(stream) && !this.awaitingSubscribe(stream) };
    if (!this.subs.has(stream)) {
      this.subs.set(stream, sub);
      this.queueFlush();
    }
    sub.handlers.add(h);
    if (sub.active && h.onActive) queueMicrotask(() => { if (sub.handlers.has(h)) h.onActive?.(); });
    return () => {
      const current = this.subs.get(stream);
      if (!current?.handlers.delete(h) || current.handlers.size > 0) return;
      this.subs.delete(stream);
      this.queueFlush();
    };
  }

  // ---- connection ---------------------------------------------------------------------------

  private setInfo(next: Partial<ConnectionInfo>): void {
    this.info = { ...this.info, ...next };
    for (const l of [...this.connectionListeners]) l(this.info);
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    const connectTimer = setTimeout(() => {
      if (this.socket === socket && socket.readyState !== OPEN) socket.close();
    }, this.connectTimeoutMs);
    socket.onopen = () => {
      clearTimeout(connectTimer);
      this.setInfo({ state: 'live', attempt: 0, session: this.info.session + 1 });
      this.flush();
    };
    socket.onmessage = (ev) => { if (typeof ev.data === 'string') this.handleMessage(ev.data); };
    socket.onparsed = (messages) => { for (const m of messages) this.handleParsed(m); };
    socket.onerror = () => { /* onclose follows */ };
    socket.onclose = () => {
      clearTimeout(connectTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      this.resetConnectionState();
      this.scheduleReconnect();
    };
  }

  private resetConnectionState(): void {
    this.sent.clear();
    for (const { timer } of this.pendingAcks.values()) clearTimeout(timer);
    this.pendingAcks.clear();
    this.klineUnsubscribing.clear();
    for (const sub of this.subs.values()) sub.active = false;
  }

  private scheduleReconnect(): void {
    if (!this.started) return;
    const attempt = this.info.attempt + 1;
    this.setInfo({ state: 'reconnecting', attempt });
    const delays = this.retryDelaysMs;
    const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 1000;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.started) this.connect();
    }, delay);
  }

  // ---- subscriptions ------------------------------------------------------------------------

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** Brings the connection's subscriptions in line with the wanted ones. */
  private flush(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return;
    const toSubscribe = [...this.subs.keys()].filter((s) => !this.sent.has(s));
    const toUnsubscribe = [...this.sent].filter((s) => !this.subs.has(s));
    if (toUnsubscribe.length > 0) {
      const id = this.send(socket, 'UNSUBSCRIBE', toUnsubscribe);
      for (const s of toUnsubscribe) this.sent.delete(s);
      const markets = new Set(toUnsubscribe.filter((s) => s.startsWith('kline@')).map(klineMarket));
      for (const m of markets) this.klineUnsubscribing.set(m, (this.klineUnsubscribing.get(m) ?? 0) + 1);
      this.expectAck(id, 'UNSUBSCRIBE', toUnsubscribe);
    }
    if (toSubscribe.length > 0) {
      const id = this.send(socket, 'SUBSCRIBE', toSubscribe);
      for (const s of toSubscribe) this.sent.add(s);
      this.expectAck(id, 'SUBSCRIBE', toSubscribe);
    }
  }

  private send(socket: SocketLike, method: Method, params: string[]): number {
    const id = this.nextId++;
    socket.send(JSON.stringify({ method, params, id }));
    return id;
  }

  /** Whether a SUBSCRIBE of `stream` is sent and not acknowledged yet (acknowledge activates it then). */
  private awaitingSubscribe(stream: string): boolean {
    for (const p of this.pendingAcks.values()) if (p.method === 'SUBSCRIBE' && p.streams.includes(stream)) return true;
    return false;
  }

  private expectAck(id: number, method: Method, streamList: string[]): void {
    const timer = setTimeout(() => this.acknowledge(id), this.ackTimeoutMs);
    this.pendingAcks.set(id, { method, streams: streamList, timer });
  }

  private acknowledge(id: number): void {
    const pending = this.pendingAcks.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingAcks.delete(id);
    if (pending.method === 'UNSUBSCRIBE') {
      // The old interval's kline events can no longer arrive after this.
      const markets = new Set(pending.streams.filter((s) => s.startsWith('kline@')).map(klineMarket));
      for (const m of markets) {
        const n = (this.klineUnsubscribing.get(m) ?? 1) - 1;
        if (n > 0) this.klineUnsubscribing.set(m, n); else this.klineUnsubscribing.delete(m);
      }
      return;
    }
    for (const stream of pending.streams) {
      const sub = this.subs.get(stream);
      if (!sub || sub.active || !this.sent.has(stream)) continue;
      sub.active = true;
      for (const h of [...sub.handlers]) h.onActive?.();
    }
  }

  // ---- events -------------------------------------------------------------------------------

  private handleMessage(text: string): void {
    let msg: unknown;
    try {
      msg = wire.parseEvent(text);
    } catch {
      return;
    }
    this.handleParsed(msg);
  }

  private handleParsed(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null) return;
    const o = msg as Obj;
    if (o.e === undefined && o.id !== undefined && ('result' in o || 'error' in o)) {
      if (o.error) console.warn('exchange refused a subscription request', o.error);
      this.acknowledge(Number(o.id));
      return;
    }
    if (typeof o.e !== 'string') return;
    try {
      this.dispatch(o.e, o);
    } catch (e) {
      console.warn(`dropped malformed ${o.e} event`, e);
    }
  }

  private dispatch(type: string, o: Obj): void {
    const market = typeof o.s === 'string' ? o.s : null;
    switch (type) {
      case 'depth': return this.deliver('depth@', market, wire.decodeDepthEvent(o));
      case 'trade': return this.deliver('trade@', market, wire.decodeTrade(o));
      case 'ticker': return this.deliver('ticker@', market, wire.decodeTicker(o, market ?? undefined));
      case 'fills': return this.deliver('fills@', market, wire.decodeFillEvent(o, this.now()));
      case 'kline': {
        const interval = typeof o.i === 'string' ? o.i : typeof o.interval === 'string' ? o.interval : null;
        if (interval === null && market !== null && this.klineUnsubscribing.has(market)) return;
        return this.deliver('kline@', market, wire.decodeCandle(o), interval);
      }
      default:
        return;
    }
  }

  /**
   * Hands an event to the active subscriptions of its stream. Events name their market (`s`); a
   * kline event may not name its interval, in which case it goes to the market's kline streams
   * (one at a time in this app; see klineUnsubscribing for the switch-over).
   */
  private deliver(prefix: string, market: string | null, event: unknown, interval: string | null = null): void {
    for (const [stream, sub] of this.subs) {
      if (!sub.active || !stream.startsWith(prefix)) continue;
      const rest = stream.slice(prefix.length);
      if (prefix === 'kline@') {
        const [m, i] = splitKline(rest);
        if ((market !== null && m !== market) || (interval !== null && i !== interval)) continue;
      } else if (market !== null && rest !== market) {
        continue;
      }
      for (const h of [...sub.handlers]) h.onEvent(event);
    }
  }
}

function splitKline(rest: string): [market: string, interval: string] {
  const at = rest.lastIndexOf(':');
  return [rest.slice(0, at), rest.slice(at + 1)];
}

function klineMarket(stream: string): string {
  return splitKline(stream.slice('kline@'.length))[0];
}

/** `ws(s)://<host>/ws` of the page, or derived from NEXT_PUBLIC_API_BASE for `next dev`. */
export function socketUrlFromLocation(): string {
  const base = (process.env.NEXT_PUBLIC_API_BASE ?? '').replace(/\/+$/, '');
  if (base) return `${base.replace(/^http/, 'ws')}/ws`;
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
}

let pageSocket: ExchangeSocket | null = null;

const nativeSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

/** The worker that holds the page's connection (lib/socket.worker.ts), if the browser has workers. */
function socketWorker(): WorkerLike | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return new Worker(new URL('./socket.worker.ts', import.meta.url), { name: 'exchange-socket' }) as unknown as WorkerLike;
  } catch {
    return null;
  }
}

/** The page's single connection, started on first use (browser only). */
export function getSocket(): ExchangeSocket {
  if (!pageSocket) {
    const worker = socketWorker();
    pageSocket = new ExchangeSocket(socketUrlFromLocation, { createSocket: worker ? workerSockets(worker, nativeSocket) : nativeSocket });
    pageSocket.start();
  }
  return pageSocket;
}
