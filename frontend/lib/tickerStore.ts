/**
 * Live 24h tickers shared by every component of the page: one `ticker@` subscription and one
 * REST load per market however many components show it, and at most NOTIFY_MS between
 * notifications however fast events come.
 */
import { api } from './api';
import { frameThrottle, type FrameThrottle } from './frameThrottle';
import type { Ticker } from './types';
import type { ExchangeSocket } from './ws';

const NOTIFY_MS = 250;

interface Entry {
  ticker: Ticker | null;
  readonly listeners: Set<() => void>;
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

  subscribe(symbol: string, listener: () => void): () => void {
    let entry = this.entries.get(symbol);
    if (!entry) {
      const created: Entry = { ticker: null, listeners: new Set(), unsubscribe: () => undefined };
      const apply = (p: Promise<Ticker>) => p.then((t) => this.set(symbol, created, t), () => undefined);
      created.unsubscribe = this.socket().ticker(symbol, {
        onEvent: (t) => this.set(symbol, created, { ...t, symbol }),
        onActive: () => void apply(this.load(symbol)),
      });
      void apply(this.load(symbol));
      this.entries.set(symbol, created);
      entry = created;
    }
    entry.listeners.add(listener);
    const owned = entry;
    return () => {
      owned.listeners.delete(listener);
      if (owned.listeners.size > 0 || this.entries.get(symbol) !== owned) return;
      owned.unsubscribe();
      this.entries.delete(symbol);
    };
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
    for (const s of symbols) for (const l of [...(this.entries.get(s)?.listeners ?? [])]) l();
  }
}
