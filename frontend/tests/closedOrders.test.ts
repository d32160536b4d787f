import { describe, expect, it } from 'vitest';
import { ClosureReporter, LOST_LOOKUP_DELAYS, LostOrderFinder, OrderWatch, type LostOrder, type Outgoing, type PlacedStore } from '@/lib/closedOrders';
import { SingleFlight } from '@/lib/singleFlight';
import type { Closure } from '@/lib/orderNotices';
import type { OpenOrder, Order, OrderStatus, PlacedOrder, Side } from '@/lib/types';

const open = (orderId: string, side: Side = 'buy', price = '960', clientOrderId: string | null = null): OpenOrder =>
  ({ orderId, clientOrderId, side, price, quantity: '1', filled: '0', remainingQty: null, time: null });
const order = (orderId: string, status: OrderStatus = 'CANCELED'): Order => ({
  orderId, clientOrderId: null, market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', timeInForce: 'GTC', postOnly: false,
  price: '960', quantity: '1', executedQty: '0', executedQuoteQty: '0', remainingQty: '0', status, time: 0,
});
/** The exchange's answer to placing an order; `fills` at these prices, 1 each. */
const answer = (status: OrderStatus, executedQty = '0', fills: string[] = []): PlacedOrder => ({
  orderId: 'taker', status, executedQty, remainingQty: '0',
  fills: fills.map((price, i) => ({ tradeId: String(i), price, quantity: '1', otherUserId: '1', makerOrderId: `m${i}`, isBuyerMaker: false })),
});

/**
 * An OrderWatch with `sent` on its way, and a load of the open orders during its trip that no
 * longer lists `gone` (placed here), of `asks`: nothing told yet.
 */
const goneOnTheWay = (asks: OpenOrder[], gone: string, sent: Outgoing) => {
  const w = new OrderWatch();
  w.placedHere(gone, 0);
  const t = w.sending(sent, asks, 10_000);
  expect(w.vanished(asks, asks.filter((a) => a.orderId !== gone), 10_050)).toEqual([]);
  return { w, t };
};

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
    const t = w.sending({ side: 'sell', limit: '45' }, book, 1_000);
    w.answered(t, answer('NEW'), 1_100);
    expect(w.vanished(book, [book[1]!, book[2]!], 1_200)).toEqual([{ orderId: 'bid-45', cause: 'selfTrade', takerSide: 'sell' }]);

    // One the order did not reach stays open in a load after the answer: no longer a candidate.
    const t2 = w.sending({ side: 'sell', limit: null }, book, 2_000);
    w.answered(t2, answer('EXPIRED'), 2_100);
    expect(w.vanished(book, book, 2_200)).toEqual([]);
    expect(w.vanished(book, [], 2_300)).toEqual([]); // later closed by someone else: not placed here, quiet

    // A refused order crossed nothing.
    const t3 = w.sending({ side: 'buy', limit: '100' }, book, 3_000);
    w.answered(t3, 'refused', 3_100);
    expect(w.vanished(book, [], 3_200)).toEqual([]);

    // No answer: it may have crossed them, for a while.
    const t4 = w.sending({ side: 'buy', limit: '100' }, book, 4_000);
    w.answered(t4, 'unknown', 4_100);
    expect(w.vanished(book, book, 4_200)).toEqual([]);
    expect(w.vanished(book, [book[0]!, book[1]!], 4_300)).toEqual([{ orderId: 'ask-60', cause: 'selfTrade', takerSide: 'buy' }]);
  });

  it('notes only the orders the new order can reach: none past its limit, none for a post-only', () => {
    const w = new OrderWatch();
    const asks = [open('ask-1005', 'sell', '1005'), open('ask-1050', 'sell', '1050')];
    w.placedHere('ask-1050', 0);
    // A market buy the book shown fills at 1005 does not reach 1050:
    // if another session cancels that ask while the buy is on its way, it is no self-trade when
    // the answer shows the buy filled short of it, though its band (to 1100) would let it get
    // there if the book moved (until then, the ask's cause is held).
    const t = w.sending({ side: 'buy', limit: '1100', timeInForce: 'IOC' }, asks, 10_000);
    expect(w.vanished(asks, [asks[0]!], 10_050)).toEqual([]);
    expect(w.answered(t, answer('FILLED', '1', ['1005']), 10_100).settled).toEqual([{ orderId: 'ask-1050', cause: 'elsewhere' }]);
    // Past its band it cannot get however the book moves: told at once.
    const w3 = new OrderWatch();
    w3.placedHere('ask-1200', 0);
    const far = [open('ask-1200', 'sell', '1200')];
    w3.sending({ side: 'buy', limit: '1100', timeInForce: 'IOC' }, far, 12_000);
    expect(w3.vanished(far, [], 12_050)).toEqual([{ orderId: 'ask-1200', cause: 'elsewhere' }]);
    // A post-only buy at 1060 trades with nothing on arrival (the exchange refuses it if it would cross).
    const w2 = new OrderWatch();
    w2.sending({ side: 'buy', limit: '1060', postOnly: true }, asks, 11_000);
    expect(w2.vanished(asks, [], 11_050)).toEqual([]);
  });

  it('forgets the orders that the answer shows the new order did not reach', () => {
    const asks = [open('ask-1005', 'sell', '1005'), open('ask-1006', 'sell', '1006'), open('ask-1008', 'sell', '1008')];
    const vanishedAfter = (reply: PlacedOrder | 'refused', sent: Parameters<OrderWatch['sending']>[0] = { side: 'buy', limit: '1010' }) => {
      const w = new OrderWatch();
      w.answered(w.sending(sent, asks, 1_000), reply, 1_100);
      // Another session cancels them all before a load that started after the answer saw them.
      return w.vanished(asks, [], 1_050).map((v) => v.orderId);
    };
    // An FOK that expired with nothing traded was killed before it matched anything.
    expect(vanishedAfter(answer('EXPIRED'), { side: 'buy', limit: '1010', timeInForce: 'FOK' })).toEqual([]);
    // Refused (e.g. a post-only that would cross): it met nothing.
    expect(vanishedAfter('refused')).toEqual([]);
    expect(vanishedAfter(answer('REJECTED'))).toEqual([]);
    // Filled in full at 1006 at the worst: matching stopped there, 1008 was not reached.
    expect(vanishedAfter(answer('FILLED', '2', ['1004', '1006']))).toEqual(['ask-1005', 'ask-1006']);
    // An IOC that expired, a GTC that rests: they took all within their price, own orders included.
    expect(vanishedAfter(answer('EXPIRED'), { side: 'buy', limit: '1010', timeInForce: 'IOC' })).toEqual(['ask-1005', 'ask-1006', 'ask-1008']);
    expect(vanishedAfter(answer('PARTIALLY_FILLED', '1', ['1004']))).toEqual(['ask-1005', 'ask-1006', 'ask-1008']);
  });

  it('blames self-trade prevention for own orders a market order reached past the book shown, as its answer shows', () => {
    // User 5's asks, placed here. The book shown fills a market buy at 1005; its band ends at 1100.
    const asks = [open('ask-1005', 'sell', '1005'), open('ask-1050', 'sell', '1050'), open('ask-1200', 'sell', '1200')];
    const after = (reply: PlacedOrder | 'unknown') => {
      const w = new OrderWatch();
      for (const a of asks) w.placedHere(a.orderId, 0);
      w.answered(w.sending({ side: 'buy', limit: '1100', timeInForce: 'IOC' }, asks, 10_000), reply, 10_100);
      // A load after the answer: the asks it met are gone (self-trade prevention), 1200 stays.
      return w.vanished(asks, [asks[2]!], 10_200);
    };
    const stp = (orderId: string) => ({ orderId, cause: 'selfTrade', takerSide: 'buy' });
    // The book thinned before it arrived: it filled at 1004 and then 1060, past the ask at 1050.
    expect(after(answer('FILLED', '2', ['1004', '1060']))).toEqual([stp('ask-1005'), stp('ask-1050')]);
    // The book ran out: it took all within its band (an IOC that expired), 1050 included.
    expect(after(answer('EXPIRED'))).toEqual([stp('ask-1005'), stp('ask-1050')]);
    // No answer: it may have gone as far as its band.
    expect(after('unknown')).toEqual([stp('ask-1005'), stp('ask-1050')]);
    // Filled where the book shown said: the ask at 1050 was not reached; its leaving is someone else's doing.
    expect(after(answer('FILLED', '1', ['1005']))).toEqual([stp('ask-1005'), { orderId: 'ask-1050', cause: 'elsewhere' }]);
  });

  it('holds the cause of an own order that leaves the open orders before the answer of a market order that could reach it', () => {
    // User 5's ask at 1050, placed here, past where the book shown fills a market buy (1005); its band ends at 1100.
    const asks = [open('ask-1005', 'sell', '1005', null), open('ask-1050', 'sell', '1050')];
    const sent = { side: 'buy' as const, limit: '1100', timeInForce: 'IOC' as const };
    // A load of the open orders during the buy's trip no longer lists the ask: nothing told yet.
    const setup = () => goneOnTheWay(asks, 'ask-1050', sent);
    const stp = { orderId: 'ask-1050', cause: 'selfTrade', takerSide: 'buy' };
    // The answer shows the buy got there (the book thinned: it filled at 1004 and 1060): self-trade prevention.
    let { w, t } = setup();
    expect(w.answered(t, answer('FILLED', '2', ['1004', '1060']), 10_100).settled).toEqual([stp]);
    expect(w.vanished([asks[0]!], [asks[0]!], 10_200)).toEqual([]); // told once
    // An IOC that took all within its band, or no answer: it may have got there.
    ({ w, t } = setup());
    expect(w.answered(t, answer('EXPIRED'), 10_100).settled).toEqual([stp]);
    ({ w, t } = setup());
    expect(w.answered(t, 'unknown', 10_100).settled).toEqual([stp]);
    // Refused: it met nothing, so the ask was closed elsewhere.
    ({ w, t } = setup());
    expect(w.answered(t, 'refused', 10_100).settled).toEqual([{ orderId: 'ask-1050', cause: 'elsewhere' }]);
    // No answer in time: judged without it, at a later load.
    ({ w, t } = setup());
    expect(w.vanished([asks[0]!], [asks[0]!], 69_000)).toEqual([]);
    expect(w.vanished([asks[0]!], [asks[0]!], 70_000)).toEqual([{ orderId: 'ask-1050', cause: 'elsewhere' }]);
    expect(w.answered(t, answer('EXPIRED'), 70_100).settled).toEqual([]);
    // Not placed here: told only if the answer shows the buy got there.
    const w2 = new OrderWatch();
    const t2 = w2.sending(sent, asks, 10_000);
    expect(w2.vanished(asks, [asks[0]!], 10_050)).toEqual([]);
    expect(w2.answered(t2, answer('FILLED', '1', ['1005']), 10_100).settled).toEqual([]);
  });

  it('holds the cause of an own order within the estimate that leaves the open orders before the answer, as the answer shows', () => {
    // User 5's ask at 1005, placed here, where the book shown says a buy reaches (its estimate).
    const asks = [open('ask-1005', 'sell', '1005'), open('ask-1010', 'sell', '1010')];
    // Another session cancels it while the buy is on its way: nothing told before the answer.
    const setup = (sent: Outgoing) => goneOnTheWay(asks, 'ask-1005', sent);
    const stp = { orderId: 'ask-1005', cause: 'selfTrade', takerSide: 'buy' };
    const elsewhere = { orderId: 'ask-1005', cause: 'elsewhere' };
    const fok = { side: 'buy' as const, limit: '1005', timeInForce: 'FOK' as const };
    const market = { side: 'buy' as const, limit: '1100', timeInForce: 'IOC' as const };
    // An FOK buy at 1005 that expired with nothing filled was killed before it matched anything.
    let { w, t } = setup(fok);
    expect(w.answered(t, answer('EXPIRED'), 10_100).settled).toEqual([elsewhere]);
    expect(w.vanished([asks[1]!], [asks[1]!], 10_200)).toEqual([]); // told once
    // A market buy that filled in full short of it (at 1004: the book moved before it arrived).
    ({ w, t } = setup(market));
    expect(w.answered(t, answer('FILLED', '1', ['1004']), 10_100).settled).toEqual([elsewhere]);
    // Refused: it met nothing.
    ({ w, t } = setup(fok));
    expect(w.answered(t, 'refused', 10_100).settled).toEqual([elsewhere]);
    // It got there (filled at 1005), or no answer: self-trade prevention.
    ({ w, t } = setup(market));
    expect(w.answered(t, answer('FILLED', '1', ['1005']), 10_100).settled).toEqual([stp]);
    ({ w, t } = setup(fok));
    expect(w.answered(t, 'unknown', 10_100).settled).toEqual([stp]);
    // No answer in time: judged without it, at a later load, as before.
    ({ w, t } = setup(fok));
    expect(w.vanished([asks[1]!], [asks[1]!], 69_000)).toEqual([]);
    expect(w.vanished([asks[1]!], [asks[1]!], 70_000)).toEqual([elsewhere]);
    expect(w.answered(t, answer('EXPIRED'), 70_100).settled).toEqual([]);
    // Not placed here: told only if the answer shows the buy got there.
    const w2 = new OrderWatch();
    const t2 = w2.sending(fok, asks, 10_000);
    expect(w2.vanished(asks, [asks[1]!], 10_050)).toEqual([]);
    expect(w2.answered(t2, answer('EXPIRED'), 10_100).settled).toEqual([]);
  });

  it('holds a cause for every order on its way that could reach it, until one shows it got there or all show not', () => {
    const asks = [open('ask-1050', 'sell', '1050')];
    const w = new OrderWatch();
    w.placedHere('ask-1050', 0);
    const a = w.sending({ side: 'buy', limit: '1100', timeInForce: 'IOC' }, asks, 10_000);
    const b = w.sending({ side: 'buy', limit: '1100', timeInForce: 'IOC' }, asks, 10_010);
    expect(w.vanished(asks, [], 10_050)).toEqual([]);
    expect(w.answered(a, answer('FILLED', '1', ['1005']), 10_100).settled).toEqual([]);
    expect(w.answered(b, answer('FILLED', '2', ['1004', '1060']), 10_200).settled).toEqual([{ orderId: 'ask-1050', cause: 'selfTrade', takerSide: 'buy' }]);
  });

  it("keeps another order's self-trade note when a later order is refused", () => {
    const w = new OrderWatch();
    const asks = [open('ask-1005', 'sell', '1005')];
    w.answered(w.sending({ side: 'buy', limit: '1010' }, asks, 1_000), answer('FILLED', '1', ['1005']), 1_100);
    w.answered(w.sending({ side: 'buy', limit: '990' }, asks, 1_200), 'refused', 1_300);
    expect(w.vanished(asks, [], 1_250)).toEqual([{ orderId: 'ask-1005', cause: 'selfTrade', takerSide: 'buy' }]);
  });

  it('takes an order whose answer was lost as placed here once the open orders list it by its clientOrderId', () => {
    const w = new OrderWatch();
    const t = w.sending({ side: 'buy', limit: '990', clientOrderId: 'web-1' }, [], 1_000);
    w.answered(t, 'unknown', 11_000);
    const placed = open('x1', 'buy', '990', 'web-1');
    const other = open('x2', 'buy', '990', 'web-2'); // another session's: not this page's
    w.listed([placed, other], 12_000);
    expect(w.isPlacedHere('x1')).toBe(true);
    expect(w.isPlacedHere('x2')).toBe(false);
    // Its closing later, by another session, is told.
    expect(w.vanished([placed, other], [], 30_000)).toEqual([{ orderId: 'x1', cause: 'elsewhere' }]);
    // Not looked for forever: listed a minute after the lost answer, it is not taken for this page's.
    const t2 = w.sending({ side: 'buy', limit: '990', clientOrderId: 'web-3' }, [], 40_000);
    w.answered(t2, 'unknown', 50_000);
    w.listed([open('x3', 'buy', '990', 'web-3')], 110_000);
    expect(w.isPlacedHere('x3')).toBe(false);
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

describe('an order whose answer was lost', () => {
  const lostOrder = (clientOrderId: string, status: OrderStatus, executedQty = '0'): Order =>
    ({ ...order('x9', status), clientOrderId, executedQty, type: 'market', timeInForce: 'IOC', price: null });
  /** A finder over `w` whose lookups answer `replies` in turn (an Error: no answer; a function: its result), then 404. */
  const setup = (w: OrderWatch, replies: (Order | null | Error | (() => Order | null))[]) => {
    const calls: string[] = [];
    const waits: number[] = [];
    const told: string[] = [];
    const f = new LostOrderFinder({
      lookUp: async (cid) => {
        calls.push(cid);
        const r = replies.shift() ?? null;
        if (r instanceof Error) throw r;
        return typeof r === 'function' ? r() : r;
      },
      lost: (cid) => w.expects(cid),
      found: (sent, o) => { w.recognised(sent.clientOrderId, o.orderId, 0); told.push(`${sent.side} ${o.status}`); },
      notFound: (sent, asked) => { w.forget(sent.clientOrderId); told.push(`${sent.side} not found${asked ? '' : ', not asked'}`); },
      sleep: async (ms) => { waits.push(ms); },
    });
    return { f, calls, waits, told };
  };
  const lose = (w: OrderWatch, clientOrderId = 'web-1'): LostOrder => {
    const t = w.sending({ side: 'buy', limit: '1010', clientOrderId }, [], 1_000);
    const { lost } = w.answered(t, 'unknown', 2_000);
    expect(lost).toMatchObject({ side: 'buy', clientOrderId });
    return lost!;
  };

  it('is looked up by its clientOrderId when it closed before any load of the open orders listed it', async () => {
    const w = new OrderWatch();
    // Filled at once: never open. The first lookup comes before the exchange has it (404).
    const { f, calls, told } = setup(w, [null, lostOrder('web-1', 'FILLED', '1')]);
    f.find(lose(w));
    await f.idle();
    expect(calls).toEqual(['web-1', 'web-1']);
    expect(told).toEqual(['buy FILLED']);
    expect(w.isPlacedHere('x9')).toBe(true);
    expect(w.expects('web-1')).toBe(false);
    // An answered order, or one without a clientOrderId, is not looked up.
    expect(w.answered(w.sending({ side: 'buy', limit: null, clientOrderId: 'web-2' }, [], 0), answer('FILLED'), 0).lost).toBeNull();
    expect(w.answered(w.sending({ side: 'buy', limit: null }, [], 0), 'unknown', 0).lost).toBeNull();
  });

  it('is looked for no more once the open orders list it, and then told by its closing alone', async () => {
    const w = new OrderWatch();
    // Listed by a load of the open orders while the second lookup is under way.
    const listed = () => {
      w.listed([open('x9', 'buy', '990', 'web-1')], 2_500);
      return lostOrder('web-1', 'NEW');
    };
    const { f, calls, told } = setup(w, [new Error('no answer'), listed, lostOrder('web-1', 'CANCELED')]);
    f.find(lose(w));
    await f.idle();
    expect(calls).toEqual(['web-1', 'web-1']); // nothing after
    expect(told).toEqual([]);
    expect(w.isPlacedHere('x9')).toBe(true);
  });

  it('is told as not found after a bounded number of lookups, over about a minute', async () => {
    const w = new OrderWatch();
    const { f, calls, waits, told } = setup(w, []);
    f.find(lose(w));
    await f.idle();
    expect(calls).toHaveLength(LOST_LOOKUP_DELAYS.length);
    expect(waits).toEqual(LOST_LOOKUP_DELAYS);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60_000);
    expect(told).toEqual(['buy not found']);
    // Not taken for this page's when it is listed afterwards (long after the lost answer).
    w.listed([open('late', 'buy', '990', 'web-1')], 200_000);
    expect(w.isPlacedHere('late')).toBe(false);

    // The exchange unreachable all along: said so.
    const w2 = new OrderWatch();
    const s2 = setup(w2, LOST_LOOKUP_DELAYS.map(() => new Error('no answer')));
    s2.f.find(lose(w2, 'web-2'));
    await s2.f.idle();
    expect(s2.told).toEqual(['buy not found, not asked']);
  });

  it('says nothing once stopped (another user or market shown)', async () => {
    const w = new OrderWatch();
    const { f, calls, told } = setup(w, [lostOrder('web-1', 'EXPIRED')]);
    f.find(lose(w));
    f.stop();
    await f.idle();
    expect([calls, told]).toEqual([[], []]);
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
