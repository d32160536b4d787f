/**
 * Which of the user's orders the page tells about when they leave the open orders without a fill
 * or a cancel from this page, and how it finds out how they closed, without flooding the trader
 * or the exchange when many close at once.
 *
 * The rule: the page speaks only of orders it placed itself (in this tab, `placed`; one whose
 * answer was lost once the open orders list it, by its clientOrderId, or `LostOrderFinder` finds
 * it), and of the user's orders that an order from this page crossed (`crossing`: self-trade
 * prevention cancels those, so the page says so: those its answer shows it may have met, past
 * the book shown too, as the book may have moved; one that leaves the open orders while the order
 * is on its way waits for that answer, whatever the book shown let expect). Orders placed
 * elsewhere (another session of the same user, or a bot quoting as that user, which requotes
 * dozens of orders a minute) are that session's business: the page cannot tell whether the
 * exchange or that session closed them, the open orders and the order history already show them
 * go, and a toast per order is noise (49 in 30 s with the demo market maker on the same user).
 * Closures are gathered for a moment and looked up in batches (one request for the newest orders,
 * a few single lookups at most), then told in one toast per cause (lib/orderNotices.ts
 * `closureNotices`).
 */
import { within } from './bookWalk';
import { isZero } from './decimal';
import type { Closure, ClosureCause } from './orderNotices';
import type { Dec, OpenOrder, Order, PlacedOrder, Side, TimeInForce } from './types';

/**
 * How long an order from this page without an answer may still reach the exchange and act there
 * (cause self-trade cancels, rest in the book) (ms).
 */
const UNANSWERED_MS = 60_000;
/** An order placed here is forgotten once a load this long after its answer does not list it (ms). */
const PLACED_GRACE_MS = 5_000;
/** How many orders placed here are remembered (an account has at most 1,000 open per market). */
const MAX_PLACED = 1_000;

interface Crossing {
  takerSide: Side;
  /** The order (its `sending` token) that may cross it. */
  token: number;
  /** When the order that may cross it was answered (null: no answer). */
  answeredAt: number | null;
  /** Forgotten after this time (ms) unless answered. */
  until: number;
}

/** An order about to be sent from this page, and how far it may reach into the opposite side. */
export interface Outgoing {
  side: Side;
  /**
   * The worst price it may trade at however the book moves before it arrives: a limit order's
   * price, a market order's band limit (lib/bookWalk.ts `bandLimit`); null: any price. Where the
   * book shown lets expect it to stop is no part of it: only the answer shows how far it got
   * (`mayHaveMet`).
   */
  limit: Dec | null;
  timeInForce?: TimeInForce;
  /** A post-only order trades with nothing on arrival: the exchange refuses it if it would cross. */
  postOnly?: boolean;
  /** How it is recognised in the open orders when the answer to placing it is lost. */
  clientOrderId?: string;
}

/**
 * An order on its way: what was sent, and the user's open orders on the other side (id -> price),
 * which it may cross if its answer shows it got there (the book may have moved before it arrived,
 * and an FOK that expired or a refused order met nothing).
 */
interface Pending {
  sent: Outgoing;
  orders: Map<string, Dec>;
  /** Not waited for after this time (ms): an order that left the open orders is judged without it. */
  until: number;
}

/**
 * A user's order that left the open orders while orders from this page that could have reached it
 * were on their way: told once their answers show whether one got there (self-trade prevention)
 * or none did (`otherwise`).
 */
interface Held {
  /** The `sending` tokens of the orders that could have reached it, not yet answered. */
  tokens: Set<number>;
  /** What it is if none got there (null: nothing to tell, it was not placed here). */
  otherwise: VanishedOrder | null;
  /** Judged without the answers after this time (ms). */
  until: number;
}

/**
 * Whether an order answered `answer` may have met the user's resting order at `price` (then
 * self-trade prevention cancelled it). The exchange cancels the user's resting orders the order
 * meets and lists only its trades (`fills`, in match order; API.md), so the answer shows how far
 * the order got, whatever the book shown had let expect: nowhere when it was refused (e.g. a
 * post-only that would cross) or when an FOK expired with nothing traded (killed before it matched
 * anything); to its last fill's price when it filled in full (matching stops there); else as far
 * as it could go (it took all within its price or band and rests or expired, or self-trade
 * prevention stopped it). No answer ('unknown'): as far as it could go.
 */
function mayHaveMet(answer: PlacedOrder | 'unknown', sent: Outgoing, price: Dec): boolean {
  if (answer !== 'unknown') {
    if (answer.status === 'REJECTED') return false;
    if (answer.status === 'EXPIRED' && sent.timeInForce === 'FOK' && isZero(answer.executedQty)) return false;
    const last = answer.fills.at(-1);
    if (answer.status === 'FILLED' && last) return within(sent.side, price, last.price);
  }
  return within(sent.side, price, sent.limit);
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
  /** Tokens of orders on their way -> what they may cross. */
  private readonly pending = new Map<number, Pending>();
  /** Orders gone from the open orders whose cause waits for answers (id -> what). */
  private readonly held = new Map<string, Held>();
  /**
   * clientOrderIds of orders from this page whose answer was lost -> until when (ms) a listing in
   * the open orders proves one this page's; kept until recognised or forgotten.
   */
  private readonly expected = new Map<string, number>();
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
   * An order is about to be sent from this page: the user's open orders on the other side (none
   * for a post-only order) are kept for its answer, which shows which it may have met; one that
   * leaves the open orders before that answer is held for it (`vanished`), whatever the book
   * shown lets expect. Returns a token for `answered`.
   */
  sending(sent: Outgoing, open: readonly OpenOrder[] | null, now: number): number {
    const token = this.nextToken++;
    const orders = new Map<string, Dec>();
    for (const o of sent.postOnly ? [] : open ?? []) if (o.side !== sent.side) orders.set(o.orderId, o.price);
    this.pending.set(token, { sent, orders, until: now + UNANSWERED_MS });
    return token;
  }

  /**
   * The order of `token` got `answer` from the exchange, was refused ('refused': it met nothing),
   * or got no answer ('unknown': it may have met any within its limit, noted for a minute; and it
   * is this page's if the open orders list it, or the lookup by its clientOrderId finds it).
   * The orders it may have met by the answer (`mayHaveMet`, beyond the book shown too) are noted,
   * the others not. Returns, in `settled`, the orders that left the open orders while it was
   * on its way and waited for this answer (`vanished`): a self-trade cancel when it may have met
   * them, else what they were taken for before; in `lost`, what was sent when the answer was lost
   * and it can be looked up by its clientOrderId (`LostOrderFinder`), else null.
   */
  answered(token: number, answer: PlacedOrder | 'refused' | 'unknown', now: number): { settled: VanishedOrder[]; lost: LostOrder | null } {
    const p = this.pending.get(token);
    if (!p) return { settled: [], lost: null };
    this.pending.delete(token);
    const settled: VanishedOrder[] = [];
    for (const [id, price] of p.orders) {
      const met = answer !== 'refused' && mayHaveMet(answer, p.sent, price);
      const h = this.held.get(id);
      if (h?.tokens.delete(token)) {
        if (met) settled.push({ orderId: id, cause: 'selfTrade', takerSide: p.sent.side });
        else if (h.tokens.size === 0 && h.otherwise) settled.push(h.otherwise);
        if (met || h.tokens.size === 0) this.held.delete(id);
      } else if (met) this.note(id, token, p.sent.side, answer === 'unknown' ? null : now, now);
    }
    const cid = p.sent.clientOrderId;
    if (answer !== 'unknown' || !cid) return { settled, lost: null };
    this.expected.set(cid, now + UNANSWERED_MS);
    return { settled, lost: { ...p.sent, clientOrderId: cid } };
  }

  /**
   * The orders from this page on their way (not yet answered, and still waited for at `at`) that
   * could have reached the user's order `id`: within the worst price they may trade at (`Outgoing.limit`).
   */
  private reaching(id: string, at: number): Set<number> {
    const tokens = new Set<number>();
    for (const [token, p] of this.pending) {
      const price = p.orders.get(id);
      if (price !== undefined && p.until > at && within(p.sent.side, price, p.sent.limit)) tokens.add(token);
    }
    return tokens;
  }

  /**
   * The user's order `id` may be crossed by the order of `token` (of `takerSide`), answered at
   * `answeredAt` (null: no answer).
   */
  private note(id: string, token: number, takerSide: Side, answeredAt: number | null, now: number): void {
    this.crossing.set(id, { takerSide, token, answeredAt, until: now + UNANSWERED_MS });
  }

  /**
   * Whether the order of this clientOrderId, whose answer was lost, is still looked for: neither
   * listed nor found (`recognised`) nor given up (`forget`).
   */
  expects(clientOrderId: string): boolean {
    return this.expected.has(clientOrderId);
  }

  /** The order whose answer was lost is looked for no more (not found: `LostOrderFinder`). */
  forget(clientOrderId: string): void {
    this.expected.delete(clientOrderId);
  }

  /** The order whose answer was lost was found (`orderId`): it is this page's, as if answered. */
  recognised(clientOrderId: string, orderId: string, now: number): void {
    this.expected.delete(clientOrderId);
    this.placedHere(orderId, now);
  }

  /**
   * A load of the open orders that started at `startedAt`: an order from this page whose answer
   * was lost is remembered as placed here once they list it (by its clientOrderId), within a
   * minute of the lost answer (later, a listing is no proof: not taken for this page's).
   */
  listed(open: readonly OpenOrder[], startedAt: number): void {
    if (this.expected.size === 0) return;
    for (const o of open) {
      const until = o.clientOrderId === null ? undefined : this.expected.get(o.clientOrderId);
      if (until !== undefined && startedAt < until) this.recognised(o.clientOrderId as string, o.orderId, startedAt);
    }
  }

  /**
   * A reload of the open orders that started at `startedAt`: `before` (the previous load) and
   * `after`. Returns the orders gone since that the page tells about, and forgets what is settled.
   * One that an order from this page on its way could have reached (and is not noted as crossed
   * already) is held until that order's answer (`answered`), which shows whether it got there;
   * without an answer in time, it is told as it would have been without that order.
   */
  vanished(before: readonly OpenOrder[], after: readonly OpenOrder[], startedAt: number): VanishedOrder[] {
    const still = new Set(after.map((o) => o.orderId));
    const out: VanishedOrder[] = [];
    for (const [id, h] of [...this.held]) {
      if (h.until > startedAt) continue;
      this.held.delete(id);
      if (h.otherwise) out.push(h.otherwise);
    }
    for (const o of before) {
      const id = o.orderId;
      if (still.has(id) || this.held.has(id)) continue;
      const crossed = this.crossing.get(id);
      const otherwise: VanishedOrder | null = this.placed.has(id) ? { orderId: id, cause: 'elsewhere' } : null;
      const tokens = crossed ? null : this.reaching(id, startedAt);
      if (this.closing.has(id)) {
        // Cancelled from here: as asked.
      } else if (crossed) {
        out.push({ orderId: id, cause: 'selfTrade', takerSide: crossed.takerSide });
      } else if (tokens && tokens.size > 0) {
        const until = Math.max(...[...tokens].map((t) => this.pending.get(t)?.until ?? 0));
        this.held.set(id, { tokens, otherwise, until });
      } else if (otherwise) {
        out.push(otherwise);
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

/**
 * Waits before each lookup of an order whose answer was lost (ms): six lookups over about a
 * minute (UNANSWERED_MS), the time such an order may still reach the exchange.
 */
export const LOST_LOOKUP_DELAYS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/** An order from this page whose answer was lost: what was sent, with its clientOrderId. */
export type LostOrder = Outgoing & { clientOrderId: string };

export interface LostOrderDeps {
  /**
   * The user's order of this clientOrderId, open or among the newest closed (GET /order with
   * clientOrderId and userId); null when the exchange has none; rejects when it could not tell.
   */
  lookUp(clientOrderId: string): Promise<Order | null>;
  /** Whether it is still looked for (false once the open orders listed it: `OrderWatch.expects`). */
  lost(clientOrderId: string): boolean;
  /** Found: the order as the exchange has it now (open, or closed before any load listed it). */
  found(sent: LostOrder, order: Order): void;
  /** Not found after every lookup; `asked`: whether the exchange answered any (else it could not be reached). */
  notFound(sent: LostOrder, asked: boolean): void;
  sleep(ms: number): Promise<void>;
}

/**
 * Finds out what became of orders from this page whose answer was lost: the open orders show one
 * that rests (`OrderWatch.listed`), but one that closed at once (filled, an IOC that expired) or
 * soon after, before any load of them, only the order history shows. Each is looked up by its
 * clientOrderId after each of `delays` until it is found or listed; a bounded number of requests
 * per order, then it is told as not found.
 */
export class LostOrderFinder {
  private stopped = false;
  private readonly runs = new Set<Promise<void>>();

  constructor(private readonly deps: LostOrderDeps, private readonly delays: readonly number[] = LOST_LOOKUP_DELAYS) {}

  find(sent: LostOrder): void {
    if (this.stopped) return;
    const run = this.run(sent).finally(() => this.runs.delete(run));
    this.runs.add(run);
  }

  /** No more lookups nor reports (another user or market is shown). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when the lookups under way are done (for tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.runs]);
  }

  private async run(sent: LostOrder): Promise<void> {
    const lost = () => !this.stopped && this.deps.lost(sent.clientOrderId);
    let asked = false;
    for (const ms of this.delays) {
      await this.deps.sleep(ms);
      if (!lost()) return;
      const order = await this.deps.lookUp(sent.clientOrderId).catch(() => undefined);
      if (!lost()) return; // listed meanwhile: tracked as placed here
      if (order === undefined) continue;
      asked = true;
      if (order) return this.deps.found(sent, order);
    }
    this.deps.notFound(sent, asked);
  }
}
