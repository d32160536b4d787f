/**
 * Browser test of a book deeper than the page holds: the page asks for 1,000 levels a side
 * (lib/bookSync.ts BOOK_SNAPSHOT_LIMIT), so with 1,100 asks resting it knows them only down to the
 * 1,000th. The market order's estimate says so past there, and as trades take the levels it knows,
 * the page fetches the book again once fewer than 50 are left (BOOK_REFRESH_BELOW), so the book
 * shown goes on with the levels beyond its first snapshot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  launchBrowser, norm, openTrade, orderSender, rest, seedBook, startExchange, stopExchange, typeIn, waitFor,
} from './harness.mjs';

const M = 'TATA_INR';
/** Asks resting: one of 1.00 at each cent from 1005.00 (more than the page's 1,000 levels). */
const LEVELS = 1_100;
const askPrice = (i) => (1005 + i / 100).toFixed(2);
/** Levels the book panel shows a side (components/trade/OrderBook.tsx). */
const ROWS = 12;

let ex, api, browser, page;
/** The page's snapshot requests (GET /depth), in order. */
const snapshots = [];

/** The asks the book shows, best first, as [price, quantity]. */
const shownAsks = () => page.$$eval('[data-testid=book-ask]', (els) => els.map((e) => [e.dataset.price, e.querySelector('.book-qty')?.textContent ?? '']).reverse());

/**
 * Waits until the book shows the exchange's best asks in all of its ROWS rows (the exchange has
 * more than that resting whenever this is called); returns them. A book showing fewer rows is not
 * there yet: between the trades taking the levels it knew and the fresh snapshot, it shows what is
 * left of the old one.
 */
async function showsExchangeAsks(message) {
  let want = [];
  await waitFor(async () => {
    const shown = await shownAsks();
    want = (await api.depth(M, ROWS)).asks.map(([p, q]) => [norm(p), norm(q)]);
    return shown.length === ROWS && JSON.stringify(shown.map(([p, q]) => [norm(p), norm(q)])) === JSON.stringify(want);
  }, { timeout: 15_000, message });
  return want;
}

/** The order form's estimate for a market buy of `quantity`, once it says `expected`. */
async function estimateIs(quantity, expected) {
  await typeIn(page, 'order-quantity', quantity);
  await waitFor(async () => (await page.textContent('[data-testid=order-total]')) === expected,
    { timeout: 10_000, message: `the estimate "${expected}" (shown: "${await page.textContent('[data-testid=order-total]')}")` });
}

/** Another trader (user 2) buys every ask up to the `upTo`-th (from 0), as one order. */
async function takeAsks(from, upTo) {
  await api.placeOrder({ market: M, side: 'buy', price: askPrice(upTo), quantity: String(upTo - from + 1), userId: '2' });
}

describe('a book deeper than the page holds', { timeout: 180_000 }, () => {
  before(async () => {
    ex = await startExchange();
    api = rest(ex.baseUrl);
    await seedBook(api, M, 0); // a last price of 1000.00: a market buy's band ends at 1100.00
    // A user holds at most 1,000 open orders in a market: the first 1,000 asks are user 1's, the
    // rest user 2's. Sent all at once over a few kept-alive connections.
    const sender = orderSender(ex.baseUrl);
    try {
      const statuses = await Promise.all(Array.from({ length: LEVELS }, (_, i) => sender.send({
        market: M, side: 'sell', price: askPrice(i), quantity: '1', userId: i < 1_000 ? '1' : '2',
      })));
      assert.deepEqual(statuses.filter((s) => s !== 200), [], 'every ask accepted');
    } finally {
      sender.close();
    }
    assert.equal((await api.depth(M, 5_000)).asks.length, LEVELS);
    browser = await launchBrowser();
    page = await openTrade(browser, ex.baseUrl, M);
    // The page shows a snapshot at once and takes another when its depth stream becomes active;
    // on a slow network that one can come after the trades below, and hold the whole book. The
    // tests start once it is in: a bid placed after the book showed appears only through the
    // stream or a snapshot taken after it, so only once the page runs on the stream.
    await api.placeOrder({ market: M, side: 'buy', price: '990.00', quantity: '1', userId: '2' });
    await waitFor(async () => (await page.$$eval('[data-testid=book-bid]', (els) => els.map((e) => e.dataset.price))).some((p) => norm(p) === '990'),
      { timeout: 15_000, message: 'the bid placed after the book showed' });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/v1/depth') snapshots.push(u.searchParams.get('limit'));
    });
  });

  after(async () => {
    await browser?.close();
    if (ex) await stopExchange(ex, { removeData: true });
  });

  it('shows the best levels and says a market order past the 1,000th level reaches what it does not know', async () => {
    const shown = await showsExchangeAsks('the best asks');
    assert.deepEqual(shown.map(([p]) => p), Array.from({ length: ROWS }, (_, i) => norm(askPrice(i))));
    await page.click('[data-testid=tab-market]');
    await page.click('[data-testid=side-buy]');
    // The 1,000 levels it holds, 1005.00 to 1014.99: 1,000 x 1005 + 0.01 x (0 + ... + 999).
    await estimateIs('1000', '≈ 1,009,995.00 INR');
    assert.equal(await page.getAttribute('[data-testid=order-total]', 'data-complete'), 'true');
    await estimateIs('1050', 'Beyond the book shown: its asks fill 1000.00 TATA (≈ 1,009,995.00 INR), the rest is not known');
    assert.equal(await page.getAttribute('[data-testid=order-total]', 'data-complete'), 'false');
  });

  it('keeps showing the right levels as trades take them, fetching the book again when few it knows are left', async () => {
    const before = snapshots.length;
    // 900 levels taken: 100 of those it holds are left (1014.00 to 1014.99), enough to go on with.
    await takeAsks(0, 899);
    assert.deepEqual((await showsExchangeAsks('the asks from 1014.00')).map(([p]) => p), Array.from({ length: ROWS }, (_, i) => norm(askPrice(900 + i))));
    await estimateIs('1050', 'Beyond the book shown: its asks fill 100.00 TATA (≈ 101,449.50 INR), the rest is not known');
    assert.equal(snapshots.length, before, 'no new snapshot while 50 or more known levels are left');
    // 90 more: 10 it holds are left. The book fetched afresh has the 110 asks still resting, the
    // whole side, and shows past 1014.99, where its first snapshot ended (without it: 10 rows).
    await takeAsks(900, 989);
    const shown = await showsExchangeAsks('the asks from 1014.90, past the first snapshot');
    assert.deepEqual(shown.map(([p]) => p), Array.from({ length: ROWS }, (_, i) => norm(askPrice(990 + i))));
    assert.deepEqual(snapshots.slice(before), ['1000'], 'one new snapshot, of 1,000 levels');
    // 110 x 1005 + 0.01 x (990 + ... + 1099).
    await estimateIs('1050', 'The book can fill only 110.00 TATA (≈ 111,698.95 INR)');
    assert.deepEqual(page.errors, []);
  });
});
