/**
 * Browser test of Load older in the account panel against the real exchange binary (see
 * harness.mjs): a user with more orders (120) and fills (60) than a page (50) pages through its
 * order history and fills, each row exactly once and in the API's order, through a failed try and
 * its retry, with a new order and fill arriving between pages; the control goes at the end, starts
 * again for another user, and fits a phone. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureArtifacts, launchBrowser, onScreen, openPage, rest, startExchange, stopExchange, waitFor,
} from './harness.mjs';

const M = 'TATA_INR';
const USER = '77';
const shots = ensureArtifacts();
const BUTTON = '[data-testid=load-older-button]';

let ex, api, browser, page;

const historyIds = (p = page) => p.$$eval('[data-testid=history-row]', (els) => els.map((e) => e.dataset.orderId));
const fillIds = (p = page) => p.$$eval('[data-testid=fill-row]', (els) => els.map((e) => e.dataset.tradeId));
const control = (p = page) => p.$('[data-testid=load-older]');

/** The user's whole order history and fills as the API lists them (newest first), in one page each. */
async function apiHistory() {
  const r = await api.call('GET', `orders?userId=${USER}&market=${M}&limit=500`);
  assert.equal(r.status, 200);
  return r.body.map((o) => o.orderId);
}
async function apiFills() {
  const r = await api.call('GET', `fills?userId=${USER}&market=${M}&limit=1000`);
  assert.equal(r.status, 200);
  return r.body.map((f) => String(f.tradeId));
}

async function pickUser(p, userId) {
  await p.fill('[data-testid=user-input]', userId);
  await p.press('[data-testid=user-input]', 'Enter');
}

async function rowsAre(read, expected, message, p = page) {
  let seen = [];
  await waitFor(async () => {
    seen = await read(p);
    return JSON.stringify(seen) === JSON.stringify(expected);
  }, { message }).catch((e) => {
    throw new Error(`${e.message}\nseen (${seen.length}):     ${seen.join(' ')}\nexpected (${expected.length}): ${expected.join(' ')}`);
  });
}

/** Buys 1 TATA from user 2's resting ask at 1000.00: one filled order and one fill for USER. */
const buyOne = () => api.placeOrder({ market: M, side: 'buy', type: 'limit', price: '1000.00', quantity: '1', userId: USER });

describe('older history on the trade page', { timeout: 180_000 }, () => {
  before(async () => {
    ex = await startExchange();
    api = rest(ex.baseUrl);
    const deposit = await api.call('POST', 'on-ramp', { userId: USER, amount: '1000000', asset: 'INR' });
    assert.equal(deposit.status, 200, JSON.stringify(deposit.body));
    // User 2's ask that USER's buys fill, one trade each.
    await api.placeOrder({ market: M, side: 'sell', price: '1000.00', quantity: '100', userId: '2' });
    // 120 orders: 30 filled, 60 resting (below the ask), 30 filled; several in one millisecond,
    // which the API orders by id.
    for (let i = 0; i < 30; i++) await buyOne();
    for (let i = 0; i < 60; i++) {
      await api.placeOrder({ market: M, side: 'buy', price: (990 - i * 0.05).toFixed(2), quantity: '1', userId: USER });
    }
    for (let i = 0; i < 30; i++) await buyOne();
    assert.equal((await apiHistory()).length, 120);
    // /fills reads storage, a batch behind the matching.
    await waitFor(async () => (await apiFills()).length === 60, { message: '60 fills in storage' });
    browser = await launchBrowser();
    page = await openPage(browser);
    await page.goto(`${ex.baseUrl}/trade/${M}`);
    await page.waitForSelector('[data-testid=book-ask]');
    await pickUser(page, USER);
  });

  after(async () => {
    await browser?.close();
    if (ex) await stopExchange(ex, { removeData: true });
  });

  it('loads the next page of the order history below the last row, through a failed try and a retry', async () => {
    const all = await apiHistory();
    await page.click('[data-testid=tab-history]');
    await rowsAre(historyIds, all.slice(0, 50), 'the newest page of orders');
    assert.equal(await page.getAttribute('[data-testid=load-older]', 'data-state'), 'idle');

    // The first try: held (loading), then answered with an error.
    const isOlderPage = (url) => url.pathname === '/api/v1/orders' && url.searchParams.has('before');
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route(isOlderPage, (route) => release(route));
    await page.click(BUTTON);
    const route = await held;
    assert.equal(new URL(route.request().url()).searchParams.get('before'), all[49], 'before = the last row');
    await page.waitForSelector('[data-testid=load-older][data-state=loading]');
    assert.equal(await page.isDisabled(BUTTON), true, 'no second request while one is under way');
    assert.match(await page.textContent(BUTTON), /Loading/);
    await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ code: 'UNAVAILABLE', message: 'storage is not answering' }) });
    await page.waitForSelector('[data-testid=load-older][data-state=error]');
    assert.equal(await page.textContent('[data-testid=load-older-error]'), 'Could not load older orders: storage is not answering');
    assert.equal((await page.textContent(BUTTON)).trim(), 'Retry');
    assert.deepEqual(await historyIds(), all.slice(0, 50), 'nothing added by the failed try');
    await page.locator('[data-testid=account]').screenshot({ path: path.join(shots, 'history-older-error.png') });
    await page.unroute(isOlderPage);

    await page.click(BUTTON);
    await rowsAre(historyIds, all.slice(0, 100), 'two pages of orders');
    assert.equal(await page.getAttribute('[data-testid=load-older]', 'data-state'), 'idle');
    assert.deepEqual(page.errors, []);
  });

  it('merges a new order and fill with the pages loaded, and goes at the end', async () => {
    // A new order and fill: the fills stream shows it and reloads the account's newest pages.
    const placed = await buyOne();
    const all = await apiHistory();
    assert.equal(all[0], placed.orderId);
    await rowsAre(historyIds, all.slice(0, 101), 'the new order above the two pages');
    await page.click(BUTTON);
    await rowsAre(historyIds, all, 'every order, once, newest first');
    assert.equal(new Set(await historyIds()).size, 121);
    assert.equal(await control(), null, 'no Load older at the end of the history');
    await page.locator('[data-testid=account]').screenshot({ path: path.join(shots, 'history-older-end.png') });

    // The fills: the newest page (the new fill in it), then the older ones below, once each.
    await page.click('[data-testid=tab-fills]');
    await waitFor(async () => (await apiFills()).length === 61, { message: 'the new fill in storage' });
    const fills = await apiFills();
    await rowsAre(fillIds, fills.slice(0, 51), 'the newest fills and the new one');
    // The tab counts the rows shown, not all the user's fills: more may be below.
    assert.equal(await page.textContent('[data-testid=tab-fills]'), 'Fills (51+)');
    await page.click(BUTTON);
    await rowsAre(fillIds, fills, 'every fill, once, newest first');
    assert.equal(new Set(await fillIds()).size, 61);
    assert.equal(await control(), null, 'no Load older at the end of the fills');
    assert.equal(await page.textContent('[data-testid=tab-fills]'), 'Fills (61)');

    // Later reloads (each fill reloads the account, and it polls) keep every row, and the end.
    await buyOne();
    const fills2 = await waitFor(async () => { const f = await apiFills(); return f.length === 62 && f; }, { message: 'the next fill in storage' });
    await rowsAre(fillIds, fills2, 'the next fill on top of all of them');
    assert.equal(await control(), null);
    await page.click('[data-testid=tab-history]');
    await rowsAre(historyIds, await apiHistory(), 'the next order on top of all of them');
    assert.equal(await control(), null);
    assert.deepEqual(page.errors, []);
  });

  it('starts again on another user', async () => {
    // User 2: one order, one fill per buy (62), and its history is shorter than a page.
    await pickUser(page, '2');
    await page.click('[data-testid=tab-history]');
    await waitFor(async () => (await historyIds()).length === 1, { message: "user 2's one order" });
    assert.equal(await control(), null);
    await pickUser(page, USER);
    await page.click('[data-testid=tab-history]');
    const all = await apiHistory();
    await rowsAre(historyIds, all.slice(0, 50), 'the newest page again');
    await page.waitForSelector('[data-testid=load-older][data-state=idle]');
    assert.deepEqual(page.errors, []);
  });

  it('fits a phone-sized screen, in the dark theme', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    await phone.goto(`${ex.baseUrl}/trade/${M}`);
    await phone.waitForSelector('[data-testid=book-ask]');
    await pickUser(phone, USER);
    await phone.click('[data-testid=tab-history]');
    const all = await apiHistory();
    await rowsAre(historyIds, all.slice(0, 50), 'the newest page of orders on a phone', phone);
    assert.ok(await onScreen(phone, BUTTON), 'Load older can be seen and tapped on a phone');
    await phone.screenshot({ path: path.join(shots, 'history-older-phone.png') });
    const look = await phone.$eval(BUTTON, (b) => {
      const s = getComputedStyle(b), box = b.getBoundingClientRect(), foot = b.parentElement.getBoundingClientRect();
      return { background: s.backgroundColor, color: s.color, height: box.height, width: box.width, footWidth: foot.width };
    });
    // The panels' dark grey and text colour (globals.css --panel-2, --text), a thumb's height, and
    // the width of the list on a phone.
    assert.deepEqual([look.background, look.color], ['rgb(27, 31, 38)', 'rgb(234, 236, 239)']);
    assert.ok(look.height >= 40, `tall enough to tap (${look.height}px)`);
    assert.ok(look.width >= look.footWidth - 24 - 1, `as wide as the list (${look.width}px of ${look.footWidth}px)`);
    await phone.click(BUTTON);
    await rowsAre(historyIds, all.slice(0, 100), 'two pages of orders on a phone', phone);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    const [tableWidth, boxWidth] = await phone.$eval('[data-testid=order-history]', (t) => [t.scrollWidth, t.parentElement.clientWidth]);
    assert.ok(tableWidth <= boxWidth, `order history fits (${tableWidth}px in ${boxWidth}px)`);
    await phone.click('[data-testid=tab-fills]');
    const fills = await apiFills();
    await rowsAre(fillIds, fills.slice(0, 50), 'the newest fills on a phone', phone);
    assert.ok(await onScreen(phone, BUTTON), 'Load older under the fills on a phone');
    await phone.screenshot({ path: path.join(shots, 'fills-older-phone.png') });
    await phone.click(BUTTON);
    await rowsAre(fillIds, fills, 'every fill on a phone', phone);
    assert.equal(await control(phone), null);
    assert.deepEqual(phone.errors, []);
    await phone.close();
  });
});
