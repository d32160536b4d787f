/**
 * Typed client for the exchange's WebSocket streams (shared/API.md): one connection shared by the
 * whole page, reference-counted subscriptions, automatic reconnection with backoff, and decoding of
 * every event into the app's types.
 *
 * A subscription is "active" once the exchange acknowledged its SUBSCRIBE on the current
 * connection. Subscribers get `onActive` each time that happens (first subscribe and after every
 * reconnect): that is when they (re)load the REST state the stream continues from, since events
 * sent while disconnected are lost.
 *
 * The exchange may refuse a SUBSCRIBE (`{"error": {...}, "id": n}`), all of its streams or none
 * (net/ws_session.cpp): TOO_MANY_STREAMS past its limit of streams per connection
 * (--max-streams-per-connection, 64 by default), UNAVAILABLE, an unknown market... A refused
 * stream is not active and is not left for dead:
 *
 * - Essential streams (the default: what the page is about, e.g. the trade view's book, trades,
 *   ticker, fills and candles) go in a SUBSCRIBE of their own, before the optional ones
 *   (`{ optional: true }`: extras such as the market menu's tickers), so that a refusal of the
 *   extras never takes the essentials with it.
 * - The limit is learned from the exchange's TOO_MANY_STREAMS ("at most N streams"), on each
 *   connection afresh; from then on no more streams are asked for than fit. Essential streams
 *   come first (the book's before the others, STREAM_RANK), optional ones fill the room left,
 *   and an essential stream that finds no room takes an optional one's (that one is unsubscribed
 *   and waits). Streams that do not fit wait until room is freed.
 * - Any other refusal is tried again after a backoff (`refusedRetryMs`), each stream in a
 *   SUBSCRIBE of its own once it was refused in company, so that one bad stream does not keep the
 *   others out.
 *
 * `connection.unsubscribed` lists the wanted streams that are not subscribed (refused, or waiting
 * for room), so that the page does not call itself live, or a book synced, when it is not.
 */
import type { Candle, DepthDiff, PublicTrade, Ticker, UserFill } from './types';
import * as wire from './wire';
import { workerSockets, type WorkerLike } from './workerSocket';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/** A stream the page wants that is not subscribed on the connection (while it is open). */
export interface UnsubscribedStream {
  readonly stream: string;
  /**
   * `refused`: the exchange refused it (with `code` and `message`), and it is asked for again
   * after a backoff; `waiting`: it does not fit in the connection's limit of streams
   * (TOO_MANY_STREAMS), and is asked for once room is freed.
   */
  readonly reason: 'refused' | 'waiting';
  readonly code: string;
  readonly message: string;
  /** Whether it gives way to essential streams (StreamOptions). */
  readonly optional: boolean;
}

export interface ConnectionInfo {
  readonly state: ConnectionState;
  /** Failed attempts since the connection was last live. */
  readonly attempt: number;
  /** Counts connections that became live. */
  readonly session: number;
  /** The wanted streams that are not subscribed on the open connection; empty otherwise. */
  readonly unsubscribed: readonly UnsubscribedStream[];
}

export interface StreamHandler<T> {
  onEvent(event: T): void;
  /** Called when the subscription becomes active (after its acknowledgement, and after each reconnect). */
  onActive?(): void;
}

export interface StreamOptions {
  /**
   * An extra that gives way to the page's essential streams when the connection's limit of
   * streams is reached (the market menu's tickers). A stream is optional only while all of its
   * handlers are.
   */
  optional?: boolean;
}

type AnyHandler = StreamHandler<unknown>;

interface StreamSub {
  /** Each handler, and whether it is optional. */
  readonly handlers: Map<AnyHandler, boolean>;
  active: boolean;
  /** The exchange's last refusal of it, until it is subscribed (null when it was not refused). */
  refusal: { code: string; message: string } | null;
  /** Refusals in a row (other than TOO_MANY_STREAMS): the backoff's step. */
  failures: number;
  /** Waiting out its backoff: not asked for until then. */
  held: boolean;
  /** Asked for in a SUBSCRIBE of its own (refused in company before). */
  alone: boolean;
}

const isOptional = (sub: StreamSub) => sub.handlers.size > 0 && [...sub.handlers.values()].every(Boolean);

/** Which essential streams come first when not all fit: the book's, then the trades'... */
const STREAM_RANK = ['depth@', 'trade@', 'ticker@', 'fills@', 'kline@'];
const rankOf = (stream: string) => {
  const i = STREAM_RANK.findIndex((p) => stream.startsWith(p));
  return i < 0 ? STREAM_RANK.length : i;
};

const NONE: readonly UnsubscribedStream[] = Object.freeze([]);

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
  /** A subscription not acknowledged within this time is treated as active anyway (until refused). */
  ackTimeoutMs?: number;
  /** Delays before a refused stream is asked for again after refusals 1, 2, ...; the last one repeats. */
  refusedRetryMs?: readonly number[];
  /**
   * Streams per connection assumed before the exchange tells its limit (TOO_MANY_STREAMS);
   * unlimited by default: the exchange's own is learned from its first refusal.
   */
  maxStreams?: number;
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
  /** Treated as acknowledged after ackTimeoutMs; kept, so that a late refusal still counts. */
  assumed: boolean;
}

/** The `error` of the exchange's refusal: `{"code": ..., "message": ...}`. */
function refusalOf(error: unknown): { code: string; message: string } {
  const o = typeof error === 'object' && error !== null ? error as Obj : {};
  const code = typeof o.code === 'string' ? o.code : 'ERROR';
  return { code, message: typeof o.message === 'string' ? o.message : typeof error === 'string' ? error : code };
}

export class ExchangeSocket {
  private socket: SocketLike | null = null;
  private info: ConnectionInfo = { state: 'connecting', attempt: 0, session: 0, unsubscribed: NONE };
  private readonly connectionListeners = new Set<(info: ConnectionInfo) => void>();
  private readonly subs = new Map<string, StreamSub>();
  /**
   * Streams subscribed (or being subscribed) on the current connection, each with the id of the
   * SUBSCRIBE that asked for it: only that request's answer settles it.
   */
  private readonly sent = new Map<string, number>();
  /** Streams the exchange takes per connection, as far as known (StreamOptions.maxStreams, then learned). */
  private limit: number;
  /** Backoffs of refused streams under way. */
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  /** `info.unsubscribed` as a key, to tell listeners only of changes. */
  private unsubscribedKey = '';
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
  private readonly refusedRetryMs: readonly number[];
  private readonly maxStreams: number;
  private readonly connectTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly url: () => string, options: SocketOptions = {}) {
    this.createSocket = options.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.retryDelaysMs = options.retryDelaysMs ?? [250, 500, 1000, 2000, 3000];
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.refusedRetryMs = options.refusedRetryMs ?? [1000, 2000, 5000, 10_000, 30_000];
    this.maxStreams = options.maxStreams ?? Infinity;
    this.limit = this.maxStreams;
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
  ticker(market: string, h: StreamHandler<Ticker>, options?: StreamOptions): () => void {
    return this.subscribe(streams.ticker(market), h, options);
  }
  fills(market: string, h: StreamHandler<UserFill>): () => void {
    return this.subscribe(streams.fills(market), h);
  }
  klines(market: string, interval: string, h: StreamHandler<Candle>): () => void {
    return this.subscribe(streams.klines(market, interval), h);
  }

  /** Adds a handler for a stream; returns the function that removes it. */
  subscribe<T>(stream: string, handler: StreamHandler<T>, options: StreamOptions = {}): () => void {
    const h = handler as AnyHandler;
    // A stream whose last handler left in this same tick (an effect's cleanup and re-run) is still
    // subscribed on the connection, and no request about it will go out: it stays as active as it was.
    const sub: StreamSub = this.subs.get(stream) ?? {
      handlers: new Map(), active: this.sent.has(stream) && !this.awaitingSubscribe(stream),
      refusal: null, failures: 0, held: false, alone: false,
    };
    if (!this.subs.has(stream)) {
      this.subs.set(stream, sub);
      this.queueFlush();
    }
    const wasOptional = isOptional(sub);
    sub.handlers.set(h, options.optional === true);
    // Now essential: it may take the room of an optional stream.
    if (wasOptional && !isOptional(sub)) this.queueFlush();
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
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    // A new connection starts afresh: its limit is learned again (the exchange may have been
    // restarted with another), and refused streams are asked for at once.
    this.limit = this.maxStreams;
    for (const sub of this.subs.values()) {
      sub.active = false;
      sub.refusal = null;
      sub.failures = 0;
      sub.held = false;
      sub.alone = false;
    }
    this.publishUnsubscribed();
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

  /**
   * Brings the connection's subscriptions in line with the wanted ones, within the connection's
   * limit of streams as far as it is known: streams no longer wanted are unsubscribed first; then
   * the essential streams are asked for in a SUBSCRIBE of their own (taking the room of optional
   * ones if there is not enough), then the optional ones that fit. Those that do not fit wait.
   */
  private flush(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return;
    const toUnsubscribe = [...this.sent.keys()].filter((s) => !this.subs.has(s));
    const wanted = [...this.subs].filter(([s, sub]) => !this.sent.has(s) && !sub.held);
    const essential = wanted.filter(([, sub]) => !isOptional(sub)).map(([s]) => s)
      .sort((a, b) => rankOf(a) - rankOf(b));
    const optional = wanted.filter(([, sub]) => isOptional(sub)).map(([s]) => s);
    let room = this.limit - (this.sent.size - toUnsubscribe.length);
    if (essential.length > room) {
      // The optional streams subscribed last give way first; they wait for room again.
      const evictable = [...this.sent.keys()].filter((s) => { const sub = this.subs.get(s); return sub !== undefined && isOptional(sub); });
      const evicted = evictable.slice(Math.max(0, evictable.length - (essential.length - room)));
      for (const s of evicted) {
        toUnsubscribe.push(s);
        const sub = this.subs.get(s);
        if (sub) sub.active = false;
      }
      room += evicted.length;
    }
    if (toUnsubscribe.length > 0) {
      const id = this.send(socket, 'UNSUBSCRIBE', toUnsubscribe);
      for (const s of toUnsubscribe) this.sent.delete(s);
      const markets = new Set(toUnsubscribe.filter((s) => s.startsWith('kline@')).map(klineMarket));
      for (const m of markets) this.klineUnsubscribing.set(m, (this.klineUnsubscribing.get(m) ?? 0) + 1);
      this.expectAck(id, 'UNSUBSCRIBE', toUnsubscribe);
    }
    const essentialNow = essential.slice(0, Math.max(0, room));
    room -= essentialNow.length;
    this.subscribeAll(socket, essentialNow);
    this.subscribeAll(socket, optional.slice(0, Math.max(0, room)));
    this.publishUnsubscribed();
  }

  /** One SUBSCRIBE for `list`, and one each for those of its streams asked for alone. */
  private subscribeAll(socket: SocketLike, list: readonly string[]): void {
    const together = list.filter((s) => !this.subs.get(s)?.alone);
    for (const group of [together, ...list.filter((s) => this.subs.get(s)?.alone).map((s) => [s])]) {
      if (group.length === 0) continue;
      const id = this.send(socket, 'SUBSCRIBE', group);
      for (const s of group) this.sent.set(s, id);
      this.expectAck(id, 'SUBSCRIBE', group);
    }
  }

  private send(socket: SocketLike, method: Method, params: string[]): number {
    const id = this.nextId++;
    socket.send(JSON.stringify({ method, params, id }));
    return id;
  }

  /** Whether a SUBSCRIBE of `stream` is sent and not acknowledged yet (its answer activates it then). */
  private awaitingSubscribe(stream: string): boolean {
    const id = this.sent.get(stream);
    const pending = id === undefined ? undefined : this.pendingAcks.get(id);
    return pending !== undefined && !pending.assumed;
  }

  private expectAck(id: number, method: Method, streamList: string[]): void {
    const timer = setTimeout(() => this.assumeAcknowledged(id), this.ackTimeoutMs);
    this.pendingAcks.set(id, { method, streams: streamList, timer, assumed: false });
  }

  /** No answer in time: the request is taken as done; a refusal that comes later still counts. */
  private assumeAcknowledged(id: number): void {
    const pending = this.pendingAcks.get(id);
    if (!pending || pending.assumed) return;
    if (pending.method === 'UNSUBSCRIBE') return this.settle(id, null);
    pending.assumed = true;
    this.activate(pending.streams.filter((s) => this.sent.get(s) === id));
  }

  /** The exchange's answer to request `id`: acknowledged (`refusal` null) or refused. */
  private settle(id: number, refusal: { code: string; message: string } | null): void {
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
    // Its streams that a later request has not asked for again (that one's answer settles them).
    const mine = pending.streams.filter((s) => this.sent.get(s) === id);
    if (refusal) {
      this.refused(mine, refusal, pending.streams.length);
    } else {
      for (const s of mine) {
        const sub = this.subs.get(s);
        if (!sub) continue;
        sub.refusal = null;
        sub.failures = 0;
        sub.alone = false;
      }
      if (!pending.assumed) this.activate(mine);
      this.publishUnsubscribed();
    }
  }

  private activate(streamList: readonly string[]): void {
    for (const stream of streamList) {
      const sub = this.subs.get(stream);
      if (!sub || sub.active) continue;
      sub.active = true;
      for (const h of [...sub.handlers.keys()]) h.onActive?.();
    }
  }

  /**
   * The exchange refused to subscribe `streamList` (all of a request of `asked` streams): they are
   * not subscribed. Past the connection's limit, the limit is learned and they wait for room;
   * otherwise they are asked for again after a backoff.
   */
  private refused(streamList: readonly string[], refusal: { code: string; message: string }, asked: number): void {
    for (const s of streamList) {
      this.sent.delete(s);
      const sub = this.subs.get(s);
      if (sub) sub.active = false;
    }
    if (refusal.code === 'TOO_MANY_STREAMS') {
      // Not refused as such: they wait for room (publishUnsubscribed).
      for (const s of streamList) {
        const sub = this.subs.get(s);
        if (sub) sub.refusal = null;
      }
      // "at most 64 streams per connection (60 subscribed)"; failing that, half of what was asked
      // is assumed to fit (the next refusal halves it again).
      const told = /at most (\d+) stream/.exec(refusal.message);
      const limit = told ? Number(told[1]) : this.sent.size + Math.floor(asked / 2);
      this.limit = Math.min(this.limit, limit);
      this.queueFlush();
      return;
    }
    console.warn('exchange refused a subscription', streamList, refusal);
    let failures = 0;
    for (const s of streamList) {
      const sub = this.subs.get(s);
      if (!sub) continue;
      sub.refusal = refusal;
      sub.failures++;
      sub.held = true;
      if (asked > 1) sub.alone = true;
      failures = Math.max(failures, sub.failures);
    }
    const delays = this.refusedRetryMs;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      for (const s of streamList) {
        const sub = this.subs.get(s);
        if (sub) sub.held = false;
      }
      this.queueFlush();
    }, delays[Math.min(failures - 1, delays.length - 1)] ?? 1000);
    this.retryTimers.add(timer);
    this.publishUnsubscribed();
  }

  /** Tells listeners which wanted streams are not subscribed, when that changed. */
  private publishUnsubscribed(): void {
    const list: UnsubscribedStream[] = [];
    if (this.socket?.readyState === OPEN) {
      for (const [stream, sub] of this.subs) {
        if (sub.active) continue;
        const optional = isOptional(sub);
        if (sub.refusal) {
          list.push({ stream, reason: 'refused', code: sub.refusal.code, message: sub.refusal.message, optional });
        } else if (!this.sent.has(stream)) {
          list.push({ stream, reason: 'waiting', code: 'TOO_MANY_STREAMS', message: `at most ${this.limit} streams per connection`, optional });
        }
      }
    }
    const key = list.map((u) => `${u.stream}|${u.reason}|${u.code}|${u.message}|${u.optional}`).join('\n');
    if (key === this.unsubscribedKey) return;
    this.unsubscribedKey = key;
    this.setInfo({ unsubscribed: list.length === 0 ? NONE : list });
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
      // A refusal is no acknowledgement: its streams are not subscribed.
      this.settle(Number(o.id), o.error ? refusalOf(o.error) : null);
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
      for (const h of [...sub.handlers.keys()]) h.onEvent(event);
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
