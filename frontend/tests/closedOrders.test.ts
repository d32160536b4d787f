import { describe, expect, it } from 'vitest';
import { ClosureReporter, OrderWatch, type PlacedStore } from '@/lib/closedOrders';
import { SingleFlight } from '@/lib/singleFlight';
import type { Closure } from '@/lib/orderNotices';
import type { OpenOrder, Order, OrderStatus, Side } from '@/lib/types';

const open = (orderId: string, side: Side = 'buy', price = '960'): OpenOrder =>
  ({ orderId, side, price, quantity: '1', filled: '0', remainingQty: null, time: null });
const order = (orderId: string, status: OrderStatus = 'CANCELED'): Order => ({
  orderId, clientOrderId: null, market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', timeInForce: 'GTC', postOnly: false,
  price: '960', quantity: '1', executedQty: '0', executedQuoteQty: '0', remainingQty: '0', status, time: 0,
});
const crosses = (side: Side, price: string, limit: string | null) =>
  limit === null || (side === 'buy' ? Number(price) <= Number(limit) : Number(price) >= Number(limit));

describe('which closed orders the page tells about', () => {
  it('tells of orders placed here, not of those placed elsewhere (a bot on the same user) or cancelled here', () => {
    const w = new OrderWatch();
    w.placedHere('mine', 100);
    w.placedHere('cancelled-here', 100);
    w.closingHere(['cancelled-here']);
    const before = [open('mine'), open('bot-1'), open('bot-2'), open('cancelled-here')];
    expect(w.vanished(before, [], 200)).toEqual([{ orderId: 'mine', cause: 'elsewhere' }]);
    expect(w.isPlacedHere('bot-1')).toBe(false);
  });

  it("attributes self-trade cancels to the page's own order that crossed them", () => {
    const w = new OrderWatch();
    const book = [open('bid-45', 'buy', '45'), open('bid-40', 'buy', '40'), open('ask-60', 'sell', '60')];
    // A sell at 45 from this page may cross the bid at 45, not the one at 40 nor the user's ask.
    const t = w.sending('sell', '45', book, 1_000, crosses);
    w.answered(t, 'done', 1_100);
    expect(w.vanished(book, [book[1]!, book[2]!], 1_200)).toEqual([{ orderId: 'bid-45', cause: 'selfTrade', takerSide: 'sell' }]);

    // One the order did not reach stays open in a load after the answer: no longer a candidate.
    const t2 = w.sending('sell', null, book, 2_000, crosses);
    w.answered(t2, 'done', 2_100);
    expect(w.vanished(book, book, 2_200)).toEqual([]);
    expect(w.vanished(book, [], 2_300)).toEqual([]); // later closed by someone else: not placed here, quiet

    // A refused order crossed nothing.
    const t3 = w.sending('buy', '100', book, 3_000, crosses);
    w.answered(t3, 'refused', 3_100);
    expect(w.vanished(book, [], 3_200)).toEqual([]);

    // No answer: it may have crossed them, for a while.
    const t4 = w.sending('buy', '100', book, 4_000, crosses);
    w.answered(t4, 'unknown', 4_100);
    expect(w.vanished(book, book, 4_200)).toEqual([]);
    expect(w.vanished(book, [book[0]!, book[1]!], 4_300)).toEqual([{ orderId: 'ask-60', cause: 'selfTrade', takerSide: 'buy' }]);
  });

  it('remembers the orders placed here for the tab, and forgets closed ones', () => {
    let saved: readonly string[] = ['old'];
    const store: PlacedStore = { load: () => [...saved], save: (ids) => { saved = ids; } };
    const w = new OrderWatch(store);
    expect(w.isPlacedHere('old')).toBe(true);
    w.placedHere('new', 10_000);
    expect(saved).toEqual(['old', 'new']);
    // A load well after: 'old' is not open any more; 'new' still is.
    expect(w.vanished([open('old')], [open('new')], 20_000)).toEqual([{ orderId: 'old', cause: 'elsewhere' }]);
    expect(saved).toEqual(['new']);
    // Just placed and not listed yet (the load started before it rested): kept.
    w.placedHere('fresh', 30_000);
    w.vanished([], [], 30_001);
    expect(w.isPlacedHere('fresh')).toBe(true);
  });
});

describe('looking closed orders up and telling them', () => {
  const setup = (orders: Map<string, Order[]>, opts = {}) => {
    const calls = { recent: 0, one: [] as string[] };
    const reports: Closure[][] = [];
    let round = 0;
    const r = new ClosureReporter({
      recent: async () => { calls.recent++; return orders.get(String(round++)) ?? orders.get('*') ?? []; },
      one: async (id) => { calls.one.push(id); return order(id); },
      report: (c) => reports.push(c),
      sleep: async () => undefined,
    }, opts);
    return { r, calls, reports };
  };

  it('looks up a burst of closures in one request and reports them together', async () => {
    const ids = Array.from({ length: 65 }, (_, i) => `o${i}`);
    const { r, calls, reports } = setup(new Map([['*', ids.map((id) => order(id))]]));
    r.add(ids.map((orderId) => ({ orderId, cause: 'elsewhere' as const })));
    await r.idle;
    expect(calls).toEqual({ recent: 1, one: [] });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toHaveLength(65);
  });

  it('asks again while storage still shows an order open, and bounds single lookups', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    // 'a' shows open at first; the others are older than the newest page.
    const { r, calls, reports } = setup(new Map([['0', [order('a', 'NEW')]], ['1', [order('a')]]]), { maxSingle: 3 });
    r.add(ids.map((orderId) => ({ orderId, cause: 'elsewhere' as const })));
    await r.idle;
    expect(calls.recent).toBe(2);
    expect(calls.one).toEqual(['b', 'c', 'd']);
    expect(reports[0]?.map((c) => c.order.orderId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('leaves out what is still open, and says nothing once stopped', async () => {
    const { r, reports } = setup(new Map([['*', [order('x', 'PARTIALLY_FILLED')]]]), { attempts: 2 });
    r.add([{ orderId: 'x', cause: 'elsewhere' }]);
    await r.idle;
    expect(reports).toEqual([]);
    const s = setup(new Map([['*', [order('y')]]]));
    s.r.add([{ orderId: 'y', cause: 'selfTrade', takerSide: 'sell' }]);
    s.r.stop();
    await s.r.idle;
    expect(s.reports).toEqual([]);
  });
});

describe('one order at a time', () => {
  it('refuses a second run while the first is on its way, whatever starts it', async () => {
    const f = new SingleFlight();
    let release!: () => void;
    let sent = 0;
    const task = () => { sent++; return new Promise<void>((r) => { release = r; }); };
    const first = f.run(task);
    expect(f.busy).toBe(true);
    expect(await f.run(task)).toBe(false);
    expect(await f.run(task)).toBe(false);
    expect(sent).toBe(1);
    release();
    expect(await first).toBe(true);
    expect(f.busy).toBe(false);
    const failing = f.run(async () => { throw new Error('refused'); });
    await expect(failing).rejects.toThrow('refused');
    expect(f.busy).toBe(false);
  });
});
