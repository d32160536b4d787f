import { describe, expect, it } from 'vitest';
import { FILL_RULES } from '@/lib/fills';
import { LOAD_HISTORY, ORDER_RULES } from '@/lib/orderHistory';
import { addLive, addNewest, addOlder, emptyList, olderCursor, type ListRules, type PagedList } from '@/lib/paging';
import type { AccountFill, Order, OrderStatus } from '@/lib/types';

/**
 * A user's orders in storage, as `/orders` pages them: newest first by time, then id; `before`
 * an order id, the page after that order. Ids as the exchange makes them: base-36 text of
 * (sequence << 12) | market id.
 */
class OrderStore {
  orders: Order[] = [];
  private seq = 0;

  add(time: number, status: OrderStatus = 'FILLED'): Order {
    this.seq += 1;
    const o: Order = {
      orderId: (this.seq * 4096 + 3).toString(36), clientOrderId: null, market: 'TATA_INR', userId: '7', side: this.seq % 2 ? 'buy' : 'sell',
      type: 'limit', timeInForce: 'GTC', postOnly: false, price: '1000', quantity: '1', executedQty: status === 'FILLED' ? '1' : '0',
      executedQuoteQty: status === 'FILLED' ? '1000' : '0', remainingQty: status === 'NEW' ? '1' : '0', status, time,
    };
    this.orders.push(o);
    return o;
  }

  set(orderId: string, change: Partial<Order>): void {
    this.orders = this.orders.map((o) => (o.orderId === orderId ? { ...o, ...change } : o));
  }

  all(): Order[] {
    return [...this.orders].sort(ORDER_RULES.compare);
  }

  page(limit: number, before?: string): Order[] {
    const all = this.all();
    const from = before === undefined ? 0 : all.findIndex((o) => o.orderId === before) + 1;
    if (from === 0 && before !== undefined) throw new Error(`unknown order ${before}`);
    return all.slice(from, from + limit);
  }
}

const ids = (list: PagedList<Order>) => list.rows.map((o) => o.orderId);

/** Loads older pages until the list's end, as the Load older button would; returns the pages' sizes. */
function loadToEnd<T>(list: PagedList<T>, page: (before: string) => T[], limit: number, rules: ListRules<T>): [PagedList<T>, number[]] {
  const sizes: number[] = [];
  for (let before = olderCursor(list, rules); before !== null; before = olderCursor(list, rules)) {
    const rows = page(before);
    sizes.push(rows.length);
    list = addOlder(list, rows, before, limit, rules);
    if (sizes.length > 1000) throw new Error('no end');
  }
  return [list, sizes];
}

describe('paged order history (ORDER_RULES)', () => {
  it('appends older pages below the newest, each order once, until a page shorter than asked', () => {
    const store = new OrderStore();
    // Three orders per millisecond: the API orders those by id.
    for (let i = 0; i < 120; i++) store.add(1_000_000 + Math.floor(i / 3));
    let list = addNewest(emptyList<Order>(LOAD_HISTORY), store.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES);
    expect(ids(list)).toEqual(store.all().slice(0, 50).map((o) => o.orderId));
    // The next page starts below the last row shown.
    expect(olderCursor(list, ORDER_RULES)).toBe(list.rows[49]?.orderId);

    const [full, sizes] = loadToEnd(list, (before) => store.page(LOAD_HISTORY, before), LOAD_HISTORY, ORDER_RULES);
    expect(sizes).toEqual([50, 20]);
    expect(ids(full)).toEqual(store.all().map((o) => o.orderId));
    expect(new Set(ids(full)).size).toBe(120);
    expect(full.end).toBe(true);
    expect(olderCursor(full, ORDER_RULES)).toBeNull();

    // Exactly one page of orders: the end is known only from the empty page after it.
    const exact = new OrderStore();
    for (let i = 0; i < 50; i++) exact.add(2_000_000 + i);
    list = addNewest(emptyList<Order>(LOAD_HISTORY), exact.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES);
    expect(olderCursor(list, ORDER_RULES)).not.toBeNull();
    expect(loadToEnd(list, (before) => exact.page(LOAD_HISTORY, before), LOAD_HISTORY, ORDER_RULES)[1]).toEqual([0]);
    // Fewer than a page: the end at once, no Load older.
    const few = new OrderStore();
    few.add(1);
    expect(olderCursor(addNewest(emptyList<Order>(LOAD_HISTORY), few.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES), ORDER_RULES)).toBeNull();
    expect(olderCursor(addNewest(emptyList<Order>(LOAD_HISTORY), [], LOAD_HISTORY, ORDER_RULES), ORDER_RULES)).toBeNull();
    // Before storage answers: nothing to page from.
    expect(olderCursor(emptyList<Order>(LOAD_HISTORY), ORDER_RULES)).toBeNull();
  });

  it('keeps the older pages under later reloads, with new orders on top and changes applied', () => {
    const store = new OrderStore();
    for (let i = 0; i < 120; i++) store.add(1_000_000 + i);
    let list = addNewest(emptyList<Order>(LOAD_HISTORY), store.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES);
    [list] = loadToEnd(list, (before) => store.page(LOAD_HISTORY, before), LOAD_HISTORY, ORDER_RULES);
    // Unchanged reload: the same list (no redraw).
    expect(addNewest(list, store.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES)).toBe(list);

    // Three new orders, one of them at the same millisecond as the newest so far, and an order
    // of the newest page filled meanwhile.
    const open = store.add(1_000_119, 'NEW');
    store.add(1_000_200);
    store.add(1_000_201);
    const first = addNewest(list, store.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES);
    store.set(open.orderId, { status: 'FILLED', executedQty: '1', executedQuoteQty: '1000', remainingQty: '0' });
    list = addNewest(first, store.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES);
    expect(ids(list)).toEqual(store.all().map((o) => o.orderId));
    expect(list.rows.find((o) => o.orderId === open.orderId)?.status).toBe('FILLED');
    expect(first.rows.find((o) => o.orderId === open.orderId)?.status).toBe('NEW');
    // Still the whole history: no Load older again.
    expect(list.end).toBe(true);
    expect(olderCursor(list, ORDER_RULES)).toBeNull();
  });

  it('lets the rows below a reload go when it does not reach them, so that no order is skipped', () => {
    const store = new OrderStore();
    for (let i = 0; i < 120; i++) store.add(1_000_000 + i);
    let list = addNewest(emptyList<Order>(LOAD_HISTORY), store.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES);
    const before = olderCursor(list, ORDER_RULES) as string;
    list = addOlder(list, store.page(LOAD_HISTORY, before), before, LOAD_HISTORY, ORDER_RULES);
    expect(list.rows.length).toBe(100);
    // 60 orders (more than a page) before the next reload: its page does not reach the list.
    for (let i = 0; i < 60; i++) store.add(2_000_000 + i);
    const reloaded = addNewest(list, store.page(LOAD_HISTORY), LOAD_HISTORY, ORDER_RULES);
    expect(ids(reloaded)).toEqual(store.all().slice(0, 50).map((o) => o.orderId));
    expect(reloaded.end).toBe(false);
    // An older page asked before the reload no longer joins the list: dropped.
    const late = store.page(LOAD_HISTORY, olderCursor(list, ORDER_RULES) as string);
    expect(addOlder(reloaded, late, olderCursor(list, ORDER_RULES) as string, LOAD_HISTORY, ORDER_RULES)).toBe(reloaded);
    // Paging from there brings every order, once.
    const [full, sizes] = loadToEnd(reloaded, (b) => store.page(LOAD_HISTORY, b), LOAD_HISTORY, ORDER_RULES);
    expect(sizes).toEqual([50, 50, 30]);
    expect(ids(full)).toEqual(store.all().map((o) => o.orderId));
  });

  it('changes nothing for an answer overtaken by a later one', () => {
    const store = new OrderStore();
    for (let i = 0; i < 10; i++) store.add(1_000_000 + i);
    const stale = store.page(4);
    for (let i = 0; i < 10; i++) store.add(2_000_000 + i);
    const list = addNewest(emptyList<Order>(4), store.page(4), 4, ORDER_RULES);
    // The earlier answer lies wholly below the rows the list has from storage.
    expect(addNewest(list, stale, 4, ORDER_RULES)).toBe(list);
    expect(addNewest(list, [], 4, ORDER_RULES)).toBe(list);
    // An older page for another list (a user or market switch empties it) is dropped.
    expect(addOlder(emptyList<Order>(4), store.page(4, list.rows[3]?.orderId), list.rows[3]?.orderId as string, 4, ORDER_RULES).rows).toEqual([]);
  });
});

const fill = (tradeId: number, stored: boolean): AccountFill =>
  ({ tradeId: String(tradeId), orderId: `o${tradeId}`, side: stored ? 'sell' : null, price: '1000', quantity: '1', time: tradeId, stored });
const tradeIds = (list: PagedList<AccountFill>) => list.rows.map((f) => Number(f.tradeId));
/** `/fills`: the stored fills below `before`, newest first. */
const fillsPage = (written: readonly number[], limit: number, before = Infinity) =>
  written.filter((id) => id < before).sort((a, b) => b - a).slice(0, limit).map((id) => fill(id, true));

describe('paged fills (FILL_RULES)', () => {
  it('pages below the oldest stored fill, and keeps live fills that storage does not have yet', () => {
    const written = Array.from({ length: 70 }, (_, i) => i + 1);
    // The stream's fills before storage answers: no Load older yet.
    let list = addLive(emptyList<AccountFill>(100), [fill(71, false), fill(72, false)], FILL_RULES);
    expect(olderCursor(list, FILL_RULES)).toBeNull();
    list = addNewest(list, fillsPage(written, 50), 50, FILL_RULES);
    expect(tradeIds(list)).toEqual(Array.from({ length: 52 }, (_, i) => 72 - i));
    expect(olderCursor(list, FILL_RULES)).toBe('21');
    list = addOlder(list, fillsPage(written, 50, 21), '21', 50, FILL_RULES);
    expect(tradeIds(list)).toEqual(Array.from({ length: 72 }, (_, i) => 72 - i));
    expect(list.end).toBe(true);
    expect(list.rows.filter((f) => !f.stored).map((f) => f.tradeId)).toEqual(['72', '71']);
    // Storage catches up: its rows take the stream's place, the end stays.
    list = addNewest(list, fillsPage([...written, 71, 72], 50), 50, FILL_RULES);
    expect(list.rows.every((f) => f.stored)).toBe(true);
    expect(tradeIds(list)).toEqual(Array.from({ length: 72 }, (_, i) => 72 - i));
    expect(list.end).toBe(true);
  });

  it('keeps the older pages while new fills come, then lets the oldest go and can load them again', () => {
    const written = Array.from({ length: 60 }, (_, i) => i + 1);
    let list = addNewest(emptyList<AccountFill>(20), fillsPage(written, 10), 10, FILL_RULES);
    [list] = loadToEnd(list, (before) => fillsPage(written, 10, Number(before)), 10, FILL_RULES);
    expect(tradeIds(list)).toEqual(Array.from({ length: 60 }, (_, i) => 60 - i));
    expect(list.keep).toBe(80);
    // Room for 20 more (the list's base) above what was loaded.
    for (let id = 61; id <= 80; id++) list = addLive(list, [fill(id, false)], FILL_RULES);
    expect(list.rows.length).toBe(80);
    expect(list.end).toBe(true);
    // One more: the oldest goes, and with it the end; Load older brings it back, once.
    list = addLive(list, [fill(81, false)], FILL_RULES);
    expect(list.rows.length).toBe(80);
    expect(list.end).toBe(false);
    expect(olderCursor(list, FILL_RULES)).toBe('2');
    [list] = loadToEnd(list, (before) => fillsPage(written, 10, Number(before)), 10, FILL_RULES);
    expect(tradeIds(list)).toEqual(Array.from({ length: 81 }, (_, i) => 81 - i));
  });

  it('stays one unbroken run of storage through any order of stream, reloads and older pages', () => {
    // A small model of the account: trades whose fills the stream brings at once (or loses, while
    // it is down), storage writing them later in order, reloads and older pages whose answers
    // come back in any order, a small page and list. After each step: no duplicates, newest
    // first, nothing missing between the last row and the newest stored row, stored rows as
    // stored, and the end only with the first fill. In the end: every fill, once, all stored.
    const LIMIT = 4, KEEP = 8;
    for (let seed = 1; seed <= 300; seed++) {
      const random = mulberry32(seed);
      const pick = (n: number) => Math.floor(random() * n);
      let list = emptyList<AccountFill>(KEEP);
      let produced = 0;
      const written: number[] = [];
      const answers: Array<() => void> = [];
      let olderInFlight = false;
      // Plain checks (an expect per row would make 300 runs slow); the failure names the seed.
      const check = (step: number) => {
        const ids = tradeIds(list);
        const fail = (what: string) => { throw new Error(`seed ${seed}, step ${step}: ${what} in [${ids.join(' ')}]`); };
        for (let i = 1; i < ids.length; i++) if ((ids[i] as number) >= (ids[i - 1] as number)) fail('not newest first, or twice');
        if (ids.length > list.keep) fail(`more than ${list.keep} rows`);
        const stored = list.rows.filter((f) => f.stored).map((f) => Number(f.tradeId));
        if (stored.some((id) => id > written.length)) fail('a stored row storage does not have');
        const newestStored = stored[0];
        const last = ids[ids.length - 1];
        if (newestStored !== undefined && last !== undefined && newestStored - last + 1 !== ids.filter((id) => id <= newestStored).length) {
          fail(`a fill missing between ${last} and ${newestStored}`);
        }
        if (list.end && stored.length > 0 && last !== 1) fail('the end without the first fill');
      };
      for (let step = 0; step < 200; step++) {
        const action = pick(6);
        if (action === 0) {
          produced += 1;
          if (random() < 0.8) list = addLive(list, [fill(produced, false)], FILL_RULES);
        } else if (action === 1) {
          while (written.length < produced && random() < 0.7) written.push(written.length + 1);
        } else if (action === 2) {
          const page = fillsPage(written, LIMIT);
          answers.push(() => { list = addNewest(list, page, LIMIT, FILL_RULES); });
        } else if (action === 3 && !olderInFlight) {
          const before = olderCursor(list, FILL_RULES);
          if (before !== null) {
            olderInFlight = true;
            const page = fillsPage(written, LIMIT, Number(before));
            answers.push(() => { olderInFlight = false; list = addOlder(list, page, before, LIMIT, FILL_RULES); });
          }
        } else if (answers.length > 0) {
          answers.splice(pick(answers.length), 1)[0]?.();
        }
        check(step);
      }
      while (answers.length > 0) answers.splice(pick(answers.length), 1)[0]?.();
      while (written.length < produced) written.push(written.length + 1);
      list = addNewest(list, fillsPage(written, LIMIT), LIMIT, FILL_RULES);
      check(-1);
      [list] = loadToEnd(list, (before) => fillsPage(written, LIMIT, Number(before)), LIMIT, FILL_RULES);
      check(-2);
      expect(tradeIds(list), `seed ${seed}`).toEqual(Array.from({ length: produced }, (_, i) => produced - i));
      expect(list.rows.every((f) => f.stored)).toBe(true);
      expect(list.end || produced === 0).toBe(true);
    }
  });
});

/** A small seeded random number generator (the same runs every time). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
