/**
 * Live 24h tickers shared by every component of the page: one `ticker@` subscription and one
 * REST load per market however many components show it, and at most NOTIFY_MS between
 * notifications however fast events come. A market's subscription is optional (lib/ws.ts: it
 * gives way to essential streams) while every component that shows it says it is, e.g. the
 * market menu's rows; the ticker bar's is essential.
 */
import { api } from './api';
import { frameThrottle, type FrameThrottle } from './frameThrottle';
import type { Ticker } from './types';
import type { ExchangeSocket } from './ws';

const NOTIFY_MS = 250;

interface Entry {
  ticker: Ticker | null;
  /** Each listener, and whether it is optional. */
  readonly listeners: Map<() => void, boolean>;
  /** Whether the socket subscription is optional (all listeners are). */
  optional: boolean;
  unsubscribe: () => void;
}

export class TickerStore {
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private readonly notify: FrameThrottle = frameThrottle(() => this.flush(), NOTIFY_MS);

  constructor(
    private readonly socket: () => ExchangeSocket,
    private readonly load: (symbol: string) => Promise<Ticker> = (s) => api.ticker(s),
  ) {}

  get(symbol: string): Ticker | null {
    return this.entries.get(symbol)?.ticker ?? null;
  }

  subscribe(symbol: string, listener: () => void, optional = false): () => void {
    let entry = this.entries.get(symbol);
    if (!entry) {
      const created: Entry = { ticker: null, listeners: new Map(), optional, unsubscribe: () => undefined };
      created.unsubscribe = this.subscribeSocket(symbol, created);
      void this.apply(symbol, created, this.load(symbol));
      this.entries.set(symbol, created);
      entry = created;
    }
    entry.listeners.set(listener, optional);
    const owned = entry;
    this.prioritize(symbol, owned);
    return () => {
      owned.listeners.delete(listener);
      if (this.entries.get(symbol) !== owned) return;
      if (owned.listeners.size > 0) {
        this.prioritize(symbol, owned);
        return;
      }
      owned.unsubscribe();
      this.entries.delete(symbol);
    };
  }

  private apply(symbol: string, entry: Entry, p: Promise<Ticker>): Promise<void> {
    return p.then((t) => this.set(symbol, entry, t), () => undefined);
  }

  private subscribeSocket(symbol: string, entry: Entry): () => void {
    return this.socket().ticker(symbol, {
      onEvent: (t) => this.set(symbol, entry, { ...t, symbol }),
      onActive: () => void this.apply(symbol, entry, this.load(symbol)),
    }, { optional: entry.optional });
  }

  /**
   * Subscribes again when the entry's priority changed: the new subscription before the old one
   * goes, so the stream stays subscribed (lib/ws.ts sends nothing but what a change of priority
   * needs).
   */
  private prioritize(symbol: string, entry: Entry): void {
    const optional = [...entry.listeners.values()].every(Boolean);
    if (optional === entry.optional) return;
    entry.optional = optional;
    const old = entry.unsubscribe;
    entry.unsubscribe = this.subscribeSocket(symbol, entry);
    old();
  }

  private set(symbol: string, entry: Entry, ticker: Ticker): void {
    if (this.entries.get(symbol) !== entry) return;
    entry.ticker = ticker;
    this.dirty.add(symbol);
    this.notify.schedule();
  }

  private flush(): void {
    const symbols = [...this.dirty];
    this.dirty.clear();
    for (const s of symbols) for (const l of [...(this.entries.get(s)?.listeners.keys() ?? [])]) l();
  }
}
