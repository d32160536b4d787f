/**
 * Which of the user's orders the page tells about when they leave the open orders without a fill
 * or a cancel from this page, and how it finds out how they closed, without flooding the trader
 * or the exchange when many close at once.
 *
 * The rule: the page speaks only of orders it placed itself (in this tab, `placed`), and of the
 * user's orders that an order from this page crossed (`crossing`: self-trade prevention cancels
 * those, so the page says so). Orders placed elsewhere (another session of the same user, or a bot
 * quoting as that user, which requotes dozens of orders a minute) are that session's business:
 * the page cannot tell whether the exchange or that session closed them, the open orders and the
 * order history already show them go, and a toast per order is noise (49 in 30 s with the demo
 * market maker on the same user). Closures are gathered for a moment and looked up in batches
 * (one request for the newest orders, a few single lookups at most), then told in one toast per
 * cause (lib/orderNotices.ts `closureNotices`).
 */
import type { Closure, ClosureCause } from './orderNotices';
import type { OpenOrder, Order, Side } from './types';

/** How long an order from this page may still cause self-trade cancels without an answer (ms). */
const CROSSING_UNANSWERED_MS = 60_000;
/** An order placed here is forgotten once a load this long after its answer does not list it (ms). */
const PLACED_GRACE_MS = 5_000;
/** How many orders placed here are remembered (an account has at most 1,000 open per market). */
const MAX_PLACED = 1_000;

interface Crossing {
  takerSide: Side;
  /** When the order that may cross it was answered (null: not yet, or no answer). */
  answeredAt: number | null;
  /** Forgotten after this time (ms) unless answered. */
  until: number;
}

/** Where the ids of orders placed from this page are kept (e.g. sessionStorage: this tab). */
export interface PlacedStore {
  load(): string[];
  save(ids: readonly string[]): void;
}

export interface VanishedOrder {
  orderId: string;
  cause: ClosureCause;
  takerSide?: Side;
}

/** The bookkeeping of one user's orders in one market (pure: the caller gives the time). */
export class OrderWatch {
  /** Orders placed from this page -> when (ms). */
  private readonly placed = new Map<string, number>();
  /** Orders cancelled from this page: their leaving is no news. */
  private readonly closing = new Set<string>();
  /** The user's orders that an order from this page may cross (self-trade prevention). */
  private readonly crossing = new Map<string, Crossing>();
  /** Tokens of orders on their way -> the ids they may cross. */
  private readonly pending = new Map<number, string[]>();
  private nextToken = 1;

  constructor(private readonly store: PlacedStore | null = null) {
    for (const id of store?.load() ?? []) this.placed.set(id, 0);
  }

  /** An order placed from this page (it may rest): its closing later is news. */
  placedHere(orderId: string, now: number): void {
    this.placed.delete(orderId);
    this.placed.set(orderId, now);
    while (this.placed.size > MAX_PLACED) this.placed.delete(this.placed.keys().next().value as string);
    this.save();
  }

  isPlacedHere(orderId: string): boolean {
    return this.placed.has(orderId);
  }

  /** Orders being cancelled from this page (`expected` false: the cancel failed). */
  closingHere(orderIds: readonly string[], expected = true): void {
    for (const id of orderIds) {
      if (expected) this.closing.add(id);
      else this.closing.delete(id);
    }
  }

  /**
   * An order of `side` with the worst price `limit` (null: a market order, any price) is about
   * to be sent from this page: the user's open orders it may cross are noted. Returns a token for
   * `answered`.
   */
  sending(side: Side, limit: string | null, open: readonly OpenOrder[] | null, now: number, crosses: (side: Side, price: string, limit: string | null) => boolean): number {
    const token = this.nextToken++;
    const ids: string[] = [];
    for (const o of open ?? []) {
      if (o.side === side || !crosses(side, o.price, limit)) continue;
      ids.push(o.orderId);
      this.crossing.set(o.orderId, { takerSide: side, answeredAt: null, until: now + CROSSING_UNANSWERED_MS });
    }
    this.pending.set(token, ids);
    return token;
  }

  /**
   * The order of `token` was answered (`outcome` 'done'), refused ('refused': it crossed nothing),
   * or got no answer ('unknown': it may have crossed them; forgotten after a minute).
   */
  answered(token: number, outcome: 'done' | 'refused' | 'unknown', now: number): void {
    const ids = this.pending.get(token) ?? [];
    this.pending.delete(token);
    for (const id of ids) {
      const c = this.crossing.get(id);
      if (!c) continue;
      if (outcome === 'refused') this.crossing.delete(id);
      else if (outcome === 'done') c.answeredAt = now;
    }
  }

  /**
   * A reload of the open orders that started at `startedAt`: `before` (the previous load) and
   * `after`. Returns the orders gone since that the page tells about, and forgets what is settled.
   */
  vanished(before: readonly OpenOrder[], after: readonly OpenOrder[], startedAt: number): VanishedOrder[] {
    const still = new Set(after.map((o) => o.orderId));
    const out: VanishedOrder[] = [];
    for (const o of before) {
      const id = o.orderId;
      if (still.has(id)) continue;
      const crossed = this.crossing.get(id);
      if (this.closing.has(id)) {
        // Cancelled from here: as asked.
      } else if (crossed) {
        out.push({ orderId: id, cause: 'selfTrade', takerSide: crossed.takerSide });
      } else if (this.placed.has(id)) {
        out.push({ orderId: id, cause: 'elsewhere' });
      }
    }
    // Forget what is settled: orders no longer open, crossings that did not happen (still open in
    // a load that started after the crossing order's answer), crossings never answered in time.
    for (const id of [...this.closing]) if (!still.has(id)) this.closing.delete(id);
    for (const [id, c] of [...this.crossing]) {
      const settled = c.answeredAt !== null && c.answeredAt <= startedAt;
      if (!still.has(id) || settled || (c.answeredAt === null && c.until <= startedAt)) this.crossing.delete(id);
    }
    let changed = false;
    for (const [id, at] of [...this.placed]) {
      // Placed well before this load started and not open: closed (told above if it was open
      // before), or never rested (filled at once, IOC).
      if (!still.has(id) && at + PLACED_GRACE_MS <= startedAt) {
        this.placed.delete(id);
        changed = true;
      }
    }
    if (changed) this.save();
    return out;
  }

  private save(): void {
    this.store?.save([...this.placed.keys()]);
  }
}

export interface ReporterDeps {
  /** The user's newest orders in the market, newest first (GET /orders, one request). */
  recent(limit: number): Promise<Order[]>;
  /** One order (GET /order). */
  one(orderId: string): Promise<Order>;
  /** Told the closures found together (those still open or unknown left out). */
  report(closures: Closure[]): void;
  sleep(ms: number): Promise<void>;
}

export interface ReporterOptions {
  /** How long closures are gathered before they are looked up and told together (ms). */
  gatherMs: number;
  /** Between lookups while storage still shows an order open (ms). */
  retryMs: number;
  /** Lookups of the newest orders per round. */
  attempts: number;
  /** How many newest orders one lookup asks for (the API takes 1-500). */
  batch: number;
  /** Single lookups per round, for orders older than the newest `batch`. */
  maxSingle: number;
}

const DEFAULTS: ReporterOptions = { gatherMs: 800, retryMs: 300, attempts: 4, batch: 200, maxSingle: 3 };

const isOpen = (o: Order) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

/**
 * Finds how vanished orders closed and reports them in rounds: whatever vanishes while a round is
 * gathering or looking up joins it or the next one. A round costs at most `attempts` requests for
 * the newest orders and `maxSingle` single lookups, however many orders closed.
 */
export class ClosureReporter {
  private readonly opts: ReporterOptions;
  private readonly waiting = new Map<string, VanishedOrder>();
  private running = false;
  private stopped = false;

  constructor(private readonly deps: ReporterDeps, opts: Partial<ReporterOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  add(orders: readonly VanishedOrder[]): void {
    if (this.stopped) return;
    for (const o of orders) this.waiting.set(o.orderId, o);
    if (!this.running && this.waiting.size > 0) void this.run();
  }

  /** No more reports (another user or market is shown). */
  stop(): void {
    this.stopped = true;
    this.waiting.clear();
  }

  /** Resolves when the current rounds are done (for tests). */
  idle: Promise<void> = Promise.resolve();

  private run(): Promise<void> {
    this.running = true;
    this.idle = (async () => {
      try {
        while (!this.stopped && this.waiting.size > 0) {
          await this.deps.sleep(this.opts.gatherMs);
          const round = [...this.waiting.values()];
          this.waiting.clear();
          const closures = await this.lookUp(round);
          if (!this.stopped && closures.length > 0) this.deps.report(closures);
        }
      } finally {
        this.running = false;
      }
    })();
    return this.idle;
  }

  private async lookUp(round: readonly VanishedOrder[]): Promise<Closure[]> {
    const found = new Map<string, Order>();
    const unresolved = new Set(round.map((o) => o.orderId));
    const notListed = new Set<string>();
    // Storage may be a moment behind the open orders: ask again while it shows one open.
    for (let attempt = 0; attempt < this.opts.attempts && unresolved.size > 0 && !this.stopped; attempt++) {
      if (attempt > 0) await this.deps.sleep(this.opts.retryMs);
      const page = await this.deps.recent(this.opts.batch).catch(() => null);
      if (!page) continue;
      const byId = new Map(page.map((o) => [o.orderId, o]));
      let stillOpen = false;
      for (const id of [...unresolved]) {
        const o = byId.get(id);
        if (!o) {
          notListed.add(id);
        } else if (isOpen(o)) {
          stillOpen = true;
          notListed.delete(id);
        } else {
          found.set(id, o);
          unresolved.delete(id);
          notListed.delete(id);
        }
      }
      if (!stillOpen) break; // what is left is older than the newest orders: asked one by one below
    }
    let singles = 0;
    for (const id of notListed) {
      if (!unresolved.has(id) || singles >= this.opts.maxSingle || this.stopped) continue;
      singles++;
      const o = await this.deps.one(id).catch(() => null);
      if (o && !isOpen(o)) found.set(id, o);
    }
    return round.flatMap((v) => {
      const order = found.get(v.orderId);
      return order ? [{ order, cause: v.cause, takerSide: v.takerSide }] : [];
    });
  }
}
