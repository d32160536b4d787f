/**
 * Browser tests of the trading page against the real exchange binary (see harness.mjs):
 * live data on load, switching market, placing, filling and cancelling orders, fills kept after a
 * reload (from storage, merged with the stream's), API errors (the book's, the open orders'),
 * prices taken from the book and the trades with the keyboard, a 1440x900 screen without a page
 * scrollbar, switching user (a new user's empty account, deposit and fills), a phone-sized screen,
 * and recovery after the exchange restarts. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  contrastRatio, ensureArtifacts, launchBrowser, norm, onScreen, openPage, openTrade, rest, seedBook, sleep, startExchange, stopExchange, waitFor,
} from './harness.mjs';

const M = 'TATA_INR';
const shots = ensureArtifacts();
const shot = (page, name, fullPage = false) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });

let ex, api, browser, page;

/** What the page shows, read from its data attributes. */
const ui = {
  connection: () => page.getAttribute('[data-testid=connection]', 'data-state'),
  book: (side) => page.$$eval(`[data-testid=book-${side}]`, (els) => els.map((e) => [e.dataset.price, e.querySelector('.book-qty')?.textContent ?? ''])),
  trades: () => page.$$eval('[data-testid=trade-row]', (els) => els.map((e) => [e.dataset.price, e.dataset.qty])),
  openOrders: () => page.$$eval('[data-testid=open-order]', (els) => els.map((e) => ({ id: e.dataset.orderId, price: e.dataset.price, side: e.dataset.side }))),
  fills: () => page.$$eval('[data-testid=fill-row]', (els) => els.map((e) => [e.dataset.price, e.dataset.qty])),
  fillRows: (p = page) => p.$$eval('[data-testid=fill-row]', (els) => els.map((e) => ({
    tradeId: e.dataset.tradeId, orderId: e.dataset.orderId, side: e.dataset.side, source: e.dataset.source,
    price: e.dataset.price, qty: e.dataset.qty, cells: [...e.querySelectorAll('td')].map((td) => td.textContent.trim()),
  }))),
  chart: () => page.$eval('[data-testid=chart]', (e) => ({ bars: Number(e.dataset.bars ?? 0), lastClose: e.dataset.lastClose ?? '', state: e.dataset.state })),
  balance: (asset) => page.$eval(`[data-testid=balance-${asset}]`, (e) => ({ available: e.dataset.available, locked: e.dataset.locked })).catch(() => null),
};

const hasLevel = (levels, price) => levels.some(([p]) => norm(p) === norm(price));

/** The user's fills from storage (`/fills`), once it holds `count` of them (the writer is ~100 ms behind). */
async function storedFills(userId, count) {
  let body = [];
  await waitFor(async () => {
    const r = await api.call('GET', `fills?userId=${userId}&market=${M}&limit=50`);
    body = r.status === 200 ? r.body : [];
    return body.length >= count;
  }, { message: `${count} fills of user ${userId} in storage` });
  return body;
}

async function waitLive(timeout = 15_000) {
  await waitFor(async () => (await ui.connection()) === 'live', { timeout, message: 'connection indicator to show live' });
}

/** A page on the trade view whose requests to `endpoint` fail (503) until `allow()`. */
async function tradeRefusing(endpoint) {
  const p = await openPage(browser);
  const pattern = `**/api/v1/${endpoint}?*`;
  const refuse = (r) => r.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"UNAVAILABLE","message":"service unavailable"}' });
  await p.route(pattern, refuse);
  await p.goto(`${ex.baseUrl}/trade/${M}`);
  return { other: p, allow: () => p.unroute(pattern, refuse) };
}

async function tab(name) {
  await page.click(`[data-testid=tab-${name}]`);
}

async function placeFromForm({ side, price, quantity, postOnly = false }) {
  await page.click(`[data-testid=side-${side}]`);
  await page.click('[data-testid=tab-limit]');
  await page.fill('[data-testid=order-price]', price);
  await page.fill('[data-testid=order-quantity]', quantity);
  const box = page.locator('[data-testid=order-postonly]');
  if ((await box.isChecked()) !== postOnly) await box.click();
  await page.click('[data-testid=order-submit]');
}

/**
 * Waits until the account shows `user`'s open orders as loaded: exactly their ids, or "No open
 * orders" when they have none (a list still loading shows no rows either).
 */
async function showsOpenOrdersOf(user) {
  const ids = (await api.openOrders(user, M)).map((o) => o.orderId).sort();
  await waitFor(async () => (ids.length === 0
    ? (await page.locator('[data-testid=account] >> text=No open orders').count()) === 1
    : JSON.stringify((await ui.openOrders()).map((o) => o.id).sort()) === JSON.stringify(ids)), { message: `user ${user}'s ${ids.length} open orders` });
}

describe('trading page', { timeout: 180_000 }, () => {
  before(async () => {
    ex = await startExchange();
    api = rest(ex.baseUrl);
    await seedBook(api, M);
    browser = await launchBrowser();
    page = await openPage(browser);
  });

  after(async () => {
    await browser?.close();
    if (ex) await stopExchange(ex, { removeData: true });
  });

  it('shows the markets list with live prices', async () => {
    await page.goto(`${ex.baseUrl}/`);
    await page.waitForSelector(`[data-testid=market-${M}]`);
    await page.waitForSelector('[data-testid=market-INFY_INR]');
    await waitFor(async () => norm(await page.textContent(`[data-testid=market-${M}] [data-testid=market-last]`).catch(() => '')) === '1000',
      { message: 'last price on the markets list' });
    await shot(page, 'markets');
  });

  it("shows a falling market's change readably on the markets list", async () => {
    // INFY_INR, untraded so far: 1000.00, then 990.00, a 1 % fall, shown red on a red tint.
    for (const price of ['1000.00', '990.00']) {
      await api.placeOrder({ market: 'INFY_INR', side: 'sell', price, quantity: '1', userId: '1' });
      await api.placeOrder({ market: 'INFY_INR', side: 'buy', price, quantity: '1', userId: '2' });
    }
    const pill = '[data-testid=market-INFY_INR] .pill.down';
    await page.waitForSelector(pill);
    const ratio = await contrastRatio(page, pill);
    assert.ok(ratio >= 4.5, `a fall's change is ${ratio}:1 against its tint, under 4.5:1`);
  });

  it('loads the trade view with live data', async () => {
    await page.goto(`${ex.baseUrl}/trade/${M}`);
    await waitLive();
    await waitFor(async () => hasLevel(await ui.book('ask'), '1005') && hasLevel(await ui.book('bid'), '995'), { message: 'book from the snapshot' });
    const depth = await api.depth(M);
    assert.deepEqual((await ui.book('ask')).map(([p]) => norm(p)).reverse(), depth.asks.slice(0, 12).map(([p]) => norm(p)));
    await waitFor(async () => (await ui.trades()).some(([p]) => norm(p) === '1000'), { message: 'recent trade' });
    await waitFor(async () => (await ui.chart()).bars >= 1, { message: 'a candle on the chart' });
    assert.equal(norm(await page.textContent('[data-testid=ticker-last]')), '1000');
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
    assert.ok(marks.includes('book-ready'), 'book-ready mark');
    await shot(page, 'trade');
    assert.deepEqual(page.errors, []);
  });

  it('serves any market through the placeholder page', async () => {
    const other = await openPage(browser);
    await other.goto(`${ex.baseUrl}/trade/INFY_INR`);
    await other.waitForSelector('[data-testid=trade-view][data-market=INFY_INR]');
    await other.goto(`${ex.baseUrl}/trade/NOPE_INR`);
    await other.waitForSelector('text=There is no market NOPE_INR.');
    await other.close();
  });

  it('says why the order book cannot load, and shows it once it can', async () => {
    const { other, allow } = await tradeRefusing('depth');
    const error = other.locator('[data-testid=orderbook] [data-testid=state-error]');
    await error.waitFor();
    assert.equal((await error.textContent()).trim(), 'service unavailable — retrying…');
    await allow();
    await other.waitForSelector('[data-testid=book-ask]');
    assert.equal(await error.count(), 0);
    assert.deepEqual(other.errors, []);
    await other.close();
  });

  it('takes a price from the book and from the trades with the keyboard, each list one tab stop', async () => {
    const other = await openTrade(browser, ex.baseUrl, M);
    await other.waitForSelector('[data-testid=trade-row]');
    const focused = () => other.evaluate(() => {
      const e = document.activeElement;
      return { testid: e?.dataset.testid ?? e?.tagName, price: e?.dataset.price ?? '', name: e?.getAttribute('aria-label') ?? '',
        outline: e ? getComputedStyle(e).outlineStyle : '', inForm: !!e?.closest('[data-testid=order-form]') };
    });
    const priceField = async () => norm(await other.inputValue('[data-testid=order-price]'));
    // The chart's last control comes just before the book: one Tab reaches the book's list.
    await other.focus('[data-testid=chart-panel] [data-testid^=interval-]:last-of-type');
    await other.keyboard.press('Tab');
    let at = await focused();
    assert.equal(at.testid, 'book-ask', 'Tab from the chart reaches the order book');
    assert.notEqual(at.outline, 'none', 'the focused book row shows its focus');
    assert.match(at.name, /^Use ask price .+ in the order form$/);
    const best = at.price;
    assert.equal(best, await other.$$eval('[data-testid=book-ask]', (els) => els[els.length - 1].dataset.price), 'the keyboard starts at the best ask');
    await other.keyboard.press('ArrowUp');
    await other.keyboard.press('ArrowUp');
    at = await focused();
    assert.equal(at.testid, 'book-ask');
    assert.ok(Number(at.price) > Number(best), `ArrowUp moves to a higher ask (${best} -> ${at.price})`);
    await other.fill('[data-testid=order-price]', '1.00');
    await other.focus(`[data-testid=book-ask][data-price="${at.price}"]`);
    await other.keyboard.press('Enter');
    await waitFor(async () => (await priceField()) === norm(at.price), { message: `Enter to copy the book row's price ${at.price}` });
    await other.keyboard.press('End');
    at = await focused();
    assert.equal(at.testid, 'book-bid', 'End moves to the last bid, past the spread');
    // One more Tab leaves the book (not its next row) for the trades, and Space takes a trade's price.
    await other.keyboard.press('Tab');
    at = await focused();
    assert.equal(at.testid, 'trade-row', 'the book is one tab stop: the next Tab reaches the trades');
    assert.notEqual(at.outline, 'none', 'the focused trade row shows its focus');
    assert.match(at.name, /^Use price .+ \(traded .+\) in the order form$/);
    await other.fill('[data-testid=order-price]', '1.00');
    await other.focus('[data-testid=trade-row]');
    await other.keyboard.press('End');
    at = await focused();
    assert.equal(at.price, await other.getAttribute('[data-testid=trade-row]:last-child', 'data-price'));
    await other.keyboard.press(' ');
    await waitFor(async () => (await priceField()) === norm(at.price), { message: `Space to copy the trade's price ${at.price}` });
    await other.keyboard.press('Tab');
    assert.ok((await focused()).inForm, 'the trades are one tab stop: the next Tab reaches the order form');
    // Shift+Tab comes back to the row last focused.
    await other.keyboard.press('Shift+Tab');
    assert.equal((await focused()).price, at.price);
    assert.deepEqual(other.errors, []);
    await other.close();
  });

  it('shows why open orders cannot load, not "loading", and the orders once they can', async () => {
    const { other, allow } = await tradeRefusing('order/open');
    const account = other.locator('[data-testid=account]');
    const error = account.locator('[data-testid=state-error]');
    await error.waitFor();
    assert.equal((await error.textContent()).trim(), 'Could not load orders: service unavailable — retrying…');
    // One state: no spinner, and the header does not say it again.
    assert.equal(await account.locator('[data-testid=state-loading]').count(), 0, 'no "Loading orders…" with the error');
    assert.equal(await account.locator('.account-error').count(), 0, 'the error said once');
    await allow();
    // The account reloads every 10 s.
    await account.locator('[data-testid=open-orders], [data-testid=state-empty]').first().waitFor({ timeout: 15_000 });
    assert.equal(await error.count(), 0);
    await other.close();
  });

  it('fits a 1440x900 screen without a page scrollbar, every panel usable', async () => {
    const other = await openTrade(browser, ex.baseUrl, M);
    await other.locator('[data-testid=account] :is([data-testid=open-orders], [data-testid=state-empty])').first().waitFor();
    for (const name of ['open', 'history', 'fills', 'balances']) {
      await other.click(`[data-testid=tab-${name}]`);
      const [scroll, screen] = await other.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]);
      assert.ok(scroll <= screen, `${name} tab: the page is ${scroll}px high on a ${screen}px screen`);
    }
    // Each panel whole on the screen, with room for its rows; the deposit form is reachable.
    const boxes = await other.$$eval('.trade-grid > *', (els) => els.map((e) => ({ cls: e.className, bottom: e.getBoundingClientRect().bottom, height: e.getBoundingClientRect().height })));
    for (const b of boxes) assert.ok(b.bottom <= 900 && b.height >= 60, `${b.cls}: ${b.height}px high, bottom at ${b.bottom}px`);
    for (const area of ['book', 'trades', 'account']) {
      const h = boxes.find((b) => b.cls.includes(`area-${area}`)).height;
      assert.ok(h >= 240, `${area} panel ${h}px high`);
    }
    assert.ok(await onScreen(other, '[data-testid=order-submit]'), 'the order form\'s button on screen');
    assert.ok(await onScreen(other, '[data-testid=deposit-submit]'), 'the deposit button reachable');
    await other.screenshot({ path: path.join(shots, 'trade-1440x900.png') });
    await other.close();
  });

  it('switches market from the ticker bar', async () => {
    const other = await openPage(browser);
    await other.goto(`${ex.baseUrl}/trade/${M}`);
    await other.waitForSelector('[data-testid=book-ask]');
    await other.click('[data-testid=market-switcher]');
    // The list opens out of the (contained, clipping) ticker bar, over the chart.
    const item = '[data-testid=market-menu] a[href$="/trade/INFY_INR"]';
    await other.waitForSelector(item);
    assert.ok(await onScreen(other, item), 'the other market is visible in the list');
    await other.click(item);
    await other.waitForSelector('[data-testid=trade-view][data-market=INFY_INR]');
    assert.deepEqual(other.errors, []);
    await other.close();
  });

  it('uses the market menu from the keyboard', async () => {
    const other = await openPage(browser);
    await other.goto(`${ex.baseUrl}/trade/${M}`);
    await other.waitForSelector('[data-testid=book-ask]');
    const focused = () => other.evaluate(() => {
      const e = document.activeElement;
      return e?.getAttribute('role') === 'menuitem' ? `item:${e.getAttribute('href')?.split('/').pop()}` : e?.dataset.testid ?? e?.tagName;
    });
    const items = await other.evaluate(async () => (await (await fetch('/api/v1/markets')).json()).map((m) => `item:${m.symbol}`));
    assert.ok(items.length >= 2, `markets ${items}`);
    const button = other.locator('[data-testid=market-switcher]');
    await button.focus();
    await other.keyboard.press('Enter');
    await other.waitForSelector('[data-testid=market-menu]');
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.equal(await button.getAttribute('aria-haspopup'), 'menu');
    // The focus goes into the menu (drawn at the end of the page), and moves with the arrow keys.
    await waitFor(async () => (await focused()) === items[0], { message: 'the first item focused on open' });
    await other.keyboard.press('ArrowDown');
    assert.equal(await focused(), items[1]);
    await other.keyboard.press('ArrowUp');
    assert.equal(await focused(), items[0]);
    await other.keyboard.press('ArrowUp');
    assert.equal(await focused(), items[items.length - 1], 'ArrowUp from the first wraps to the last');
    await other.keyboard.press('Home');
    assert.equal(await focused(), items[0]);
    await other.keyboard.press('End');
    assert.equal(await focused(), items[items.length - 1]);
    await other.keyboard.press('ArrowDown');
    assert.equal(await focused(), items[0], 'ArrowDown from the last wraps to the first');
    // Escape closes it and gives the focus back to the button.
    await other.keyboard.press('Escape');
    await other.waitForSelector('[data-testid=market-menu]', { state: 'detached' });
    assert.equal(await focused(), 'market-switcher');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    // ArrowUp on the button opens it on the last item; Tab closes it and goes on from the button.
    await other.keyboard.press('ArrowUp');
    await waitFor(async () => (await focused()) === items[items.length - 1], { message: 'the last item focused' });
    await other.keyboard.press('Tab');
    await other.waitForSelector('[data-testid=market-menu]', { state: 'detached' });
    const after = await other.evaluate(() => {
      const e = document.activeElement;
      const button = document.querySelector('[data-testid=market-switcher]');
      return { body: e === document.body, following: !!(button.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) };
    });
    assert.deepEqual(after, { body: false, following: true }, 'the focus on what follows the button');
    // Enter on an item opens its market.
    await button.focus();
    await other.keyboard.press('Enter');
    await waitFor(async () => (await focused()) === items[0], { message: 'the first item focused' });
    const target = items.findIndex((i) => i !== `item:${M}`);
    for (let i = 0; i < target; i++) await other.keyboard.press('ArrowDown');
    await other.keyboard.press('Enter');
    await other.waitForSelector(`[data-testid=trade-view][data-market=${items[target].slice('item:'.length)}]`);
    assert.deepEqual(other.errors, []);
    await other.close();
  });

  it('names the side switch and the deposit amount for assistive technology', async () => {
    const other = await openTrade(browser, ex.baseUrl, M);
    assert.deepEqual([await other.getAttribute('[data-testid=side-buy]', 'aria-pressed'), await other.getAttribute('[data-testid=side-sell]', 'aria-pressed')], ['true', 'false']);
    await other.click('[data-testid=side-sell]');
    assert.deepEqual([await other.getAttribute('[data-testid=side-buy]', 'aria-pressed'), await other.getAttribute('[data-testid=side-sell]', 'aria-pressed')], ['false', 'true']);
    await other.click('[data-testid=tab-balances]');
    assert.equal(await other.getByLabel('Amount to deposit').getAttribute('data-testid'), 'deposit-amount');
    assert.equal(await other.getByRole('button', { name: 'Sell', pressed: true }).count(), 1);
    await other.close();
  });

  let restingId;
  it('places a limit order that appears in the book and in open orders', async () => {
    await placeFromForm({ side: 'buy', price: '997.50', quantity: '1.50' });
    await waitFor(async () => (await ui.openOrders()).some((o) => norm(o.price) === '997.5' && o.side === 'buy'), { message: 'open order row' });
    await waitFor(async () => (await ui.book('bid')).some(([p, q]) => norm(p) === '997.5' && norm(q) === '1.5'), { message: 'book level 997.50' });
    const open = await api.openOrders('5', M);
    assert.equal(open.length, 1);
    restingId = open[0].orderId;
    assert.equal((await ui.openOrders())[0].id, restingId);
    assert.equal(await page.locator('[data-testid=order-error]').count(), 0);
  });

  it('shows a trade from another user in trades, fills, chart and balances', async () => {
    const before5 = await api.balances('5');
    assert.equal(norm(before5.INR.locked), norm('1496.25'));
    const r = await api.placeOrder({ market: M, side: 'sell', price: '997.50', quantity: '1.50', userId: '1' });
    assert.equal(Number(r.executedQty), 1.5);

    await waitFor(async () => norm((await ui.trades())[0]?.[0] ?? '') === '997.5', { message: 'the trade at the top of recent trades' });
    await waitFor(async () => !hasLevel(await ui.book('bid'), '997.5'), { message: 'the filled level to leave the book' });
    await waitFor(async () => (await ui.openOrders()).length === 0, { message: 'open orders to empty' });
    await waitFor(async () => norm((await ui.chart()).lastClose) === '997.5', { message: 'the candle to close at 997.50' });
    await waitFor(async () => norm(await page.textContent('[data-testid=ticker-last]')) === '997.5', { message: 'ticker last price' });

    await tab('fills');
    await waitFor(async () => (await ui.fills()).some(([p, q]) => norm(p) === '997.5' && norm(q) === '1.5'), { message: 'the fill row' });
    await shot(page, 'trade-fills');

    await tab('balances');
    const after5 = await api.balances('5');
    assert.equal(norm(after5.INR.locked), '0');
    for (const asset of ['INR', 'TATA']) {
      await waitFor(async () => norm((await ui.balance(asset))?.available ?? '') === norm(after5[asset].available),
        { message: `${asset} balance ${after5[asset].available}` });
    }
    await shot(page, 'trade-balances');

    await tab('history');
    await page.waitForSelector(`[data-testid=history-row][data-order-id="${restingId}"][data-status=FILLED]`);
    await tab('open');
  });

  it('keeps the fills after a reload (from storage) and shows each fill once', async () => {
    const [fill] = await storedFills('5', 1);
    assert.deepEqual([fill.orderId, fill.side, norm(fill.price), norm(fill.qty), fill.isMaker], [restingId, 'buy', '997.5', '1.5', true]);
    const key = `[data-testid=fill-row][data-trade-id="${fill.tradeId}"][data-order-id="${restingId}"]`;

    // Before the reload: the stream's row, and storage's once the account reloads (the user's
    // fill reloads it at once, the poll every 10 s): one row either way.
    await tab('fills');
    await waitFor(async () => (await page.$$(key)).length === 1 && (await page.getAttribute(key, 'data-source')) === 'stored',
      { timeout: 15_000, message: "storage's row in place of the stream's" });
    assert.equal((await ui.fillRows()).length, 1);

    await page.reload();
    await waitLive();
    await tab('fills');
    await page.waitForSelector(key);
    const rows = await ui.fillRows();
    assert.equal(rows.length, 1, 'one row per fill');
    assert.deepEqual(
      { ...rows[0], cells: rows[0].cells.slice(1) },
      { tradeId: String(fill.tradeId), orderId: restingId, side: 'buy', source: 'stored', price: fill.price, qty: fill.qty,
        cells: ['Buy', '997.50', '1.50', '1,496.25', `#${fill.tradeId}`] },
    );
    // The trade's time (the exchange's), as "MM-DD HH:MM:SS" in the page's time zone.
    const when = await page.evaluate((ms) => {
      const d = new Date(ms), two = (n) => String(n).padStart(2, '0');
      return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    }, fill.time);
    assert.equal(rows[0].cells[0], when);
    await shot(page, 'fills-after-reload');
    await page.locator('[data-testid=account]').screenshot({ path: path.join(shots, 'fills-after-reload-panel.png') });

    // Live fills join the stored ones, newest first: user 5 sells 0.5 into user 2's bid at 995.
    await api.placeOrder({ market: M, side: 'sell', price: '995.00', quantity: '0.50', userId: '5' });
    // (A stream fill's side comes from the order, which the account reloads on the fill.)
    await waitFor(async () => { const r = await ui.fillRows(); return r.length === 2 && r[0].side !== ''; }, { message: 'the new fill next to the stored one' });
    const [newest, older] = await ui.fillRows();
    assert.deepEqual([norm(newest.price), norm(newest.qty), newest.side], ['995', '0.5', 'sell']);
    assert.ok(BigInt(newest.tradeId) > BigInt(older.tradeId), 'newest first');
    assert.equal(older.tradeId, String(fill.tradeId));
    await storedFills('5', 2);
    assert.deepEqual(page.errors, []);
    await tab('open');
  });

  it('cancels one order and then all orders', async () => {
    await placeFromForm({ side: 'sell', price: '1020.00', quantity: '1' });
    await waitFor(async () => hasLevel(await ui.book('ask'), '1020') || (await ui.openOrders()).length === 1, { message: 'the order to rest' });
    await waitFor(async () => (await ui.openOrders()).length === 1, { message: 'one open order' });
    await page.click('[data-testid=cancel-order]');
    await waitFor(async () => (await ui.openOrders()).length === 0, { message: 'the cancelled order to leave open orders' });
    assert.equal((await api.openOrders('5', M)).length, 0);
    await waitFor(async () => !(await page.$$eval('[data-testid=book-ask]', (els) => els.some((e) => e.dataset.price && Number(e.dataset.price) === 1020))),
      { message: 'level 1020 to leave the book' });

    await placeFromForm({ side: 'buy', price: '980.00', quantity: '1' });
    await placeFromForm({ side: 'buy', price: '981.00', quantity: '1' });
    await waitFor(async () => (await ui.openOrders()).length === 2, { message: 'two open orders' });
    await page.click('[data-testid=cancel-all]');
    await waitFor(async () => (await ui.openOrders()).length === 0, { message: 'cancel all' });
    assert.equal((await api.openOrders('5', M)).length, 0);
  });

  it('stops an order beyond the balance before sending it, and says a refusal in plain words with the API\'s text below', async () => {
    // More than user 5's funds: said with the asset and its amounts, and not sent.
    const posted = [];
    const onRequest = (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/order') posted.push(r.url()); };
    page.on('request', onRequest);
    const error = page.locator('[data-testid=order-error]');
    try {
      await placeFromForm({ side: 'buy', price: '990.00', quantity: '1000000' });
      await error.waitFor();
      const available = (await api.call('GET', 'balances?userId=5')).body.INR.available;
      const [whole, fraction = ''] = available.split('.');
      const shown = `${Number(whole).toLocaleString('en-US')}.${fraction.padEnd(2, '0')}`;
      assert.equal(await error.locator('.error-message').textContent(),
        `Not enough INR: this order needs 990,000,000.00 INR and ${shown} INR is available. Nothing was sent: lower the amount, or deposit first.`);
      assert.equal(await error.locator('[data-testid=order-deposit]').count(), 1, 'the deposit form offered');
      await sleep(300);
      assert.deepEqual(posted, [], 'nothing sent');
    } finally {
      page.off('request', onRequest);
    }

    // Post-only at the best ask would cross: the refusal in plain words, the API's text below it.
    const crossing = await api.order({ market: M, side: 'buy', price: '1005.00', quantity: '1', userId: '5', type: 'limit', postOnly: true });
    assert.ok(crossing.status >= 400, `post-only crossing refused: ${JSON.stringify(crossing)}`);
    await placeFromForm({ side: 'buy', price: '1005.00', quantity: '1', postOnly: true });
    const plain = 'Post only: at this price the order would trade at once, so it was not placed.';
    await waitFor(async () => (await error.locator('.error-message').textContent()) === plain, { message: 'post-only error message' });
    assert.equal(await error.getAttribute('data-code'), crossing.body.code);
    assert.equal(await error.locator('[data-testid=order-error-detail]').textContent(), crossing.body.message);
    await shot(page, 'trade-rejected');
    await page.locator('[data-testid=order-postonly]').click();
    // Client-side rule: a price off the tick is explained before anything is sent, and kept as
    // typed (not cut to another price).
    await page.fill('[data-testid=order-quantity]', '1');
    await page.fill('[data-testid=order-price]', '990.555');
    assert.equal(await page.inputValue('[data-testid=order-price]'), '990.555');
    assert.equal(await page.textContent('[data-testid=order-price-error]'), 'Price must be a multiple of 0.01: at most 2 decimals');
  });

  it('keeps the order form readable and its keyboard focus visible', async () => {
    // WCAG AA: 4.5:1 for text under 18.66 px bold: a refusal (more than user 5's funds; switching
    // side clears it), then both sides of the switch and the submit button, each while on.
    await placeFromForm({ side: 'buy', price: '990.00', quantity: '1000000' });
    await page.locator('[data-testid=order-error]').waitFor();
    const low = [];
    const errorRatio = await contrastRatio(page, '[data-testid=order-error] .error-message');
    if (!(errorRatio >= 4.5)) low.push(`order error ${errorRatio}:1`);
    for (const side of ['buy', 'sell']) {
      await page.click(`[data-testid=side-${side}]`);
      await page.mouse.move(0, 0);   // no hover brightening of the button measured
      for (const s of [`[data-testid=side-${side}]`, '[data-testid=order-submit]', '.side-btn:not(.on)', '.field-label', '.field-suffix', '.percent']) {
        const ratio = await contrastRatio(page, s);
        if (!(ratio >= 4.5)) low.push(`${side}: ${s} ${ratio}:1`);
      }
    }
    await page.click('[data-testid=side-buy]');
    // A toast's detail (muted text on the toast's lighter panel): an order that rests.
    await placeFromForm({ side: 'buy', price: '900.00', quantity: '1' });
    await page.locator('[data-testid=toast] .toast-detail').first().waitFor();
    const toastRatio = await contrastRatio(page, '[data-testid=toast] .toast-detail');
    if (!(toastRatio >= 4.5)) low.push(`toast detail ${toastRatio}:1`);
    await waitFor(async () => (await ui.openOrders()).length === 1, { message: 'the order at 900.00 open' });
    await api.cancelOrder((await ui.openOrders())[0].id, M);

    // Every control of the form, reached with Tab, looks different while it has the focus (its
    // outline, border or shadow, or its field's) than before, when the focus was outside the form;
    // the price field too while its text is refused (its border red either way).
    await page.fill('[data-testid=order-price]', '990.555');
    const looks = () => page.$$eval('[data-testid=order-form] :is(button, input, select)', (els) => els.map((e) => {
      const of = (n) => { const c = getComputedStyle(n); return [c.outlineStyle, c.outlineWidth, c.outlineColor, c.borderColor, c.boxShadow].join(' '); };
      return { name: e.dataset.testid ?? e.className, focused: e === document.activeElement, look: of(e) + (e.closest('.field-box') ? of(e.closest('.field-box')) : '') };
    }));
    await page.focus('[data-testid=user-input]');
    const unfocused = await looks();
    await page.focus('[data-testid=side-buy]');
    await page.keyboard.press('Shift+Tab');
    const unseen = [];
    let reached = 0;
    for (;;) {
      await page.keyboard.press('Tab');
      const i = (await looks()).findIndex((c) => c.focused);
      if (i < 0) break;
      reached++;
      if ((await looks())[i].look === unfocused[i].look) unseen.push(unfocused[i].name);
    }
    assert.ok(reached >= 10, `the form's controls reached by Tab (${reached})`);
    assert.deepEqual({ low, unseen }, { low: [], unseen: [] }, 'text below 4.5:1, controls whose keyboard focus does not show');
  });

  it('switches user from the page', async () => {
    await page.fill('[data-testid=user-input]', '1');
    await page.press('[data-testid=user-input]', 'Enter');
    await tab('open');
    await showsOpenOrdersOf('1');
    await page.fill('[data-testid=user-input]', '5');
    await page.press('[data-testid=user-input]', 'Enter');
    await showsOpenOrdersOf('5');
  });

  it("shows a new user's empty account, takes its deposit and streams its fills", async () => {
    const user = '4242';
    assert.equal((await api.balances(user).catch(() => null)), null, 'the exchange does not know the user yet');
    await page.fill('[data-testid=user-input]', user);
    await page.press('[data-testid=user-input]', 'Enter');
    // Not an error and not loading for ever: an account without deposits is empty.
    await tab('open');
    await page.waitForSelector('[data-testid=account] >> text=No open orders');
    await tab('balances');
    await page.waitForSelector('[data-testid=account] >> text=No funds yet: make a deposit');
    assert.equal(await page.locator('.account-error').count(), 0);
    assert.equal(await page.textContent('[data-testid=available]'), '0.00 INR');

    await page.fill('[data-testid=deposit-amount]', '5000');
    await page.click('[data-testid=deposit-submit]');
    await waitFor(async () => norm((await ui.balance('INR'))?.available ?? '') === '5000', { message: 'the deposit in balances' });

    // The fills stream follows the user picked (it is the same stream, handed to a new handler).
    await tab('fills');
    await page.click('[data-testid=side-buy]');
    await page.click('[data-testid=tab-market]');
    // 3 across two levels (2 @ 1005.00 + 1 @ 1006.00 = 3016 INR): an average price off the tick.
    await page.fill('[data-testid=order-quantity]', '3');
    await page.click('[data-testid=order-submit]');
    await waitFor(async () => (await ui.fills()).length >= 2, { message: "the new user's fills" });
    const hist = await api.call('GET', `orders?userId=${user}&market=${M}&limit=1`);
    assert.equal(hist.body[0].status, 'FILLED');
    assert.equal(hist.body[0].price, null);
    assert.deepEqual([norm(hist.body[0].executedQty), norm(hist.body[0].executedQuoteQty)], ['3', '3016']);

    // The history shows the market order's average price: 3016 / 3 = 1005.333..., a buy's
    // average rounded up to the tick (lib/averagePrice.ts).
    await tab('history');
    const row = `[data-testid=history-row][data-order-id="${hist.body[0].orderId}"]`;
    await waitFor(async () => (await page.textContent(`${row} [data-testid=history-avg]`).catch(() => null))?.trim() === '1005.34',
      { message: "the market order's average price in the history" });
    assert.equal(await page.getAttribute(row, 'data-avg-price'), '1005.34');
    assert.equal(await page.getAttribute(`${row} [data-testid=history-avg]`, 'title'), 'Paid 3,016.00 INR for 3.00 TATA');
    await shot(page, 'trade-history');
    await page.click('[data-testid=tab-limit]');

    // A deposit's answer is this user's balance: gone once another user is picked.
    await tab('balances');
    await page.fill('[data-testid=deposit-amount]', '10');
    await page.click('[data-testid=deposit-submit]');
    await page.waitForSelector('[data-testid=deposit-message]');
    await page.fill('[data-testid=user-input]', '5');
    await page.press('[data-testid=user-input]', 'Enter');
    await waitFor(async () => (await page.locator('[data-testid=deposit-message]').count()) === 0, { message: 'the deposit message to go' });
    await tab('open');
  });

  it('fits a phone-sized screen', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    await phone.goto(`${ex.baseUrl}/trade/${M}`);
    await phone.waitForSelector('[data-testid=book-ask]');
    await sleep(500);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    // The ticker bar wraps instead of hiding its figures (in a bar that scrolls without a scrollbar).
    const hidden = await phone.$eval('[data-testid=ticker-bar]', (e) => [e.scrollWidth - e.clientWidth, e.scrollHeight - e.clientHeight]);
    assert.deepEqual(hidden, [0, 0], 'nothing hidden in the ticker bar');
    for (const stat of ['ticker-last', 'ticker-change', 'ticker-volume']) {
      assert.ok(await onScreen(phone, `[data-testid=${stat}]`), `${stat} visible on a phone`);
    }
    await phone.screenshot({ path: path.join(shots, 'trade-phone.png'), fullPage: true });
    // The markets list keeps the 24h volume, under the market's name.
    await phone.goto(`${ex.baseUrl}/`);
    const volume = `[data-testid=market-${M}] [data-testid=market-volume-xs]`;
    await phone.waitForSelector(volume);
    assert.ok(await onScreen(phone, volume), 'volume visible on the markets list');
    assert.match(await phone.textContent(volume), /^Vol \d/);
    await phone.screenshot({ path: path.join(shots, 'markets-phone.png') });
    // The order history keeps the average price (under the price) without scrolling sideways.
    await phone.goto(`${ex.baseUrl}/trade/${M}`);
    await phone.fill('[data-testid=user-input]', '4242');
    await phone.press('[data-testid=user-input]', 'Enter');
    await phone.click('[data-testid=tab-history]');
    const avg = '[data-testid=history-row][data-status=FILLED] [data-testid=history-avg-xs]';
    await phone.waitForSelector(avg);
    assert.ok(await onScreen(phone, avg), 'average price visible on a phone');
    assert.equal((await phone.textContent(avg)).trim(), 'avg 1005.34');
    const [tableWidth, boxWidth] = await phone.$eval('[data-testid=order-history]', (t) => [t.scrollWidth, t.parentElement.clientWidth]);
    assert.ok(tableWidth <= boxWidth, `order history fits (${tableWidth}px in ${boxWidth}px)`);
    await phone.locator('[data-testid=account]').screenshot({ path: path.join(shots, 'history-phone.png') });
    // The new user's fills (two trades of one market order), loaded from storage on the user switch.
    await phone.click('[data-testid=tab-fills]');
    await waitFor(async () => (await ui.fillRows(phone)).length === 2, { message: "user 4242's fills on a phone" });
    const fills = await ui.fillRows(phone);
    assert.deepEqual(fills.map((f) => [f.side, f.source, norm(f.price), norm(f.qty)]), [['buy', 'stored', '1006', '1'], ['buy', 'stored', '1005', '2']]);
    assert.ok(await onScreen(phone, '[data-testid=fill-row] td:nth-child(4)'), 'the amount is visible on a phone');
    const [fillsWidth, fillsBox] = await phone.$eval('[data-testid=fills]', (t) => [t.scrollWidth, t.parentElement.clientWidth]);
    assert.ok(fillsWidth <= fillsBox, `fills fit (${fillsWidth}px in ${fillsBox}px)`);
    await phone.locator('[data-testid=account]').screenshot({ path: path.join(shots, 'fills-phone.png') });
    // A user id of 8 characters is shown whole in the header's field, focused (with the demo
    // users' list button) or not, and the header still fits.
    await phone.fill('[data-testid=user-input]', '98765432');
    await phone.press('[data-testid=user-input]', 'Enter');
    const idFits = () => phone.$eval('[data-testid=user-input]', (e) => e.scrollWidth <= e.clientWidth);
    assert.ok(await idFits(), 'the user id fits its field while focused');
    await phone.locator('[data-testid=user-input]').blur();
    assert.ok(await idFits(), 'the user id fits its field');
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling with a long user id');
    await phone.close();
  });

  it('recovers after the exchange restarts', async () => {
    await waitLive();
    // On a phone too, with a user id of 8 characters: the header's longest indicator still fits.
    const phone = await openTrade(browser, ex.baseUrl, M, { user: '98765432', width: 390, height: 844 });
    const { httpPort, wsPort, dataDir } = ex;
    await stopExchange(ex, { signal: 'SIGKILL' });
    await waitFor(async () => (await ui.connection()) !== 'live', { message: 'the indicator to leave live' });
    assert.equal(await ui.connection(), 'reconnecting');
    await shot(page, 'trade-reconnecting');
    await waitFor(async () => /\(\d+\)/.test(await phone.textContent('[data-testid=connection]')), { message: 'a numbered reconnect attempt on the phone' });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone while reconnecting (overflow ${overflow}px)`);
    await phone.screenshot({ path: path.join(shots, 'trade-phone-reconnecting.png') });
    await phone.close();
    await sleep(1500);
    ex = await startExchange({ httpPort, wsPort, dataDir });
    api = rest(ex.baseUrl);
    await waitLive(20_000);
    // The book is reloaded from the restarted exchange and follows it live again.
    const depth = await api.depth(M);
    await waitFor(async () => JSON.stringify((await ui.book('bid')).map(([p]) => norm(p))) === JSON.stringify(depth.bids.slice(0, 12).map(([p]) => norm(p))),
      { timeout: 10_000, message: 'the book to match the restarted exchange' });
    await api.placeOrder({ market: M, side: 'buy', price: '993.33', quantity: '1', userId: '2' });
    await waitFor(async () => hasLevel(await ui.book('bid'), '993.33'), { message: 'a live update after the restart' });
    await shot(page, 'trade-after-restart');
    assert.deepEqual(page.errors, []);
  });
});
