/**
 * Browser tests of the order form and the user's orders against the real exchange, on markets of
 * several precisions (a whole-share step, a whole-rupee tick): typed numbers kept as typed and
 * refused with a message rather than rewritten, the market order's estimate from the book, the
 * keyboard (one order however often Enter is pressed; the label, arrow keys), the toasts (nothing
 * filled; an order the exchange closed on its own, told once for a burst, nothing for another
 * session's orders), a user without funds, deposits, partly filled orders on a phone, a market
 * without trades (the band from the best price, the user's own orders left out of the estimate),
 * self-trade prevention blamed only for what the page's order can reach (and for what its answer
 * shows it reached, past the book shown), and the form after an outage (an order without an
 * answer may have been placed; if it was, its closing is told, or, when it closed at once, what
 * became of it, also once lookups that failed get through; when a minute of lookups does not find
 * it, that its outcome is unknown, and why).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureArtifacts, launchBrowser, norm, onScreen, openTrade as openTradePage, rest, seedBook, sleep, startExchange, stopExchange, typeIn, waitFor,
  waitLive,
} from './harness.mjs';

const shots = ensureArtifacts();
const shot = (p, name, fullPage = false) => p.screenshot({ path: path.join(shots, `${name}.png`), fullPage });

// Markets of this test's own: INFY trades in whole shares, BTC at whole rupees.
// WIPRO, ITC and HDFC are copies of TATA that no test trades before its own.
const market = (id, base, tick, step, minQty, minNotional, band) => `[[markets]]
id = ${id}
base = "${base}"
quote = "INR"
tick_size = "${tick}"
step_size = "${step}"
min_qty = "${minQty}"
min_notional = "${minNotional}"
price_band = "${band}"
`;
const CONFIG = [
  ...[['TATA', 2], ['INFY', 2], ['BTC', 8], ['INR', 2], ['WIPRO', 2], ['ITC', 2], ['HDFC', 2]]
    .map(([name, decimals]) => `[[assets]]\nname = "${name}"\ndecimals = ${decimals}\n`),
  market(1, 'TATA', '0.01', '0.01', '0.01', '1', '0.1'),
  market(2, 'INFY', '0.05', '1', '1', '10', '0.05'),
  market(3, 'BTC', '1', '0.00001', '0.0001', '100', '0.1'),
  market(4, 'WIPRO', '0.01', '0.01', '0.01', '1', '0.1'),
  market(5, 'ITC', '0.01', '0.01', '0.01', '1', '0.1'),
  market(6, 'HDFC', '0.01', '0.01', '0.01', '1', '0.1'),
].join('');

let ex, api, browser, page, configDir;

const M = 'TATA_INR';

async function clearOrder(p) {
  await typeIn(p, 'order-price', '');
  await typeIn(p, 'order-quantity', '');
}

const openTrade = (market, options) => openTradePage(browser, ex.baseUrl, market, options);

const toasts = (p = page) => p.$$eval('[data-testid=toast]', (els) => els.map((e) => ({ kind: e.dataset.kind, text: e.innerText.replace(/\s+/g, ' ').trim() })));
// The toast of the user's own order `prefix` ("Sell 1.00 X at 105.00"), which the exchange
// cancelled when this page's buy crossed it: blamed on that buy, not on another session.
async function expectSelfTradeCancel(p, prefix) {
  await waitFor(async () => (await toasts(p)).some((t) => t.text.startsWith(`${prefix}: canceled`)),
    { timeout: 15_000, message: `the self-trade prevention toast of ${prefix}` });
  const told = (await toasts(p)).find((t) => t.text.startsWith(prefix));
  assert.match(told.text, /Canceled by self-trade prevention when your buy order from this page crossed it/);
  assert.doesNotMatch(told.text, /Not from this page/);
}
const ordersOf = async (userId, market) => (await api.call('GET', `orders?userId=${userId}&market=${market}&limit=50`)).body ?? [];

/**
 * Places an ask of 1 at `price` from page `p` (the user's only open order in `market`), then sets
 * the form to a market buy of `quantity` and waits for its estimate. Returns the ask.
 */
async function askThenMarketBuy(p, market, price, quantity) {
  await p.click('[data-testid=side-sell]');
  await typeIn(p, 'order-price', price);
  await typeIn(p, 'order-quantity', '1');
  await p.click('[data-testid=order-submit]');
  await waitFor(async () => (await p.$$('[data-testid=open-order]')).length === 1, { message: `the ask at ${price}` });
  const [ask] = await api.openOrders('5', market);
  await p.click('[data-testid=tab-market]');
  await p.click('[data-testid=side-buy]');
  await typeIn(p, 'order-quantity', quantity);
  await waitFor(async () => (await p.getAttribute('[data-testid=order-total]', 'data-complete')) === 'true', { message: 'the estimate' });
  return ask;
}

/**
 * On market `X`, not traded before: a last price of 100.00 (the band of a market buy ends at
 * 110.00), asks of user 1 at 101.00 and 102.00, and an ask from the page at 105.00, past where the
 * book shown fills a market buy of 0.50 (at 101.00). The page sends that buy; while it is on its
 * way another trader takes the asks below the page's own, so the buy arrives at the ask at 105.00,
 * which self-trade prevention cancels, and then expires. `deliver(route, page, ask)` passes the
 * buy's request on. The ask's toast, once, must blame the buy.
 */
async function buyPastTheEstimate(X, deliver) {
  const base = X.split('_')[0];
  await api.placeOrder({ market: X, side: 'sell', price: '100.00', quantity: '1', userId: '1' });
  await api.placeOrder({ market: X, side: 'buy', price: '100.00', quantity: '1', userId: '2' });
  await api.placeOrder({ market: X, side: 'sell', price: '101.00', quantity: '1', userId: '1' });
  await api.placeOrder({ market: X, side: 'sell', price: '102.00', quantity: '1', userId: '1' });
  const p = await openTrade(X);
  const ask = await askThenMarketBuy(p, X, '105.00', '0.50');
  assert.equal(await p.textContent('[data-testid=order-total]'), '≈ 50.50 INR', 'the estimate at 101.00');
  const sweep = async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    await api.placeOrder({ market: X, side: 'buy', price: '102.00', quantity: '2', userId: '2' });
    await deliver(route, p, ask);
  };
  await p.route('**/api/v1/order', sweep);
  try {
    await p.click('[data-testid=order-submit]');
    await waitFor(async () => (await toasts(p)).some((t) => t.text.startsWith(`Buy ${base}: expired, nothing filled`)), { message: 'the expired buy' });
  } finally {
    await p.unroute('**/api/v1/order', sweep);
  }
  await expectSelfTradeCancel(p, `Sell 1.00 ${base} at 105.00`);
  assert.equal((await toasts(p)).filter((t) => t.text.startsWith(`Sell 1.00 ${base} at 105.00`)).length, 1, 'told once');
  assert.deepEqual(await api.openOrders('5', X), []);
  assert.deepEqual(p.errors, []);
  await p.close();
}

/**
 * A fresh page of M, on a clock the test runs, sends a limit IOC buy of `quantity` at `price` and
 * loses its answer: the request is dropped before the exchange sees it or, `delivered`, after the
 * exchange took it. `lookupFails(n)`: whether the page's n-th lookup of it by its clientOrderId
 * (from 1) fails to reach the exchange. The clock is run a second at a time (the lookups wait 1
 * to 30 s each, a minute in all) until the page tells what became of the order, then a minute
 * more: the lookups must have stopped. Returns the clientOrderId sent, the lookups' ids, the
 * toast, and whether the form still shows its error then (`errorLeft`, 0 or 1).
 */
async function loseAnswer({ price, quantity, delivered, lookupFails = () => false }) {
  const p = await openTrade(M, { clock: true });
  let sent = null;
  const lookups = [];
  const handle = async (route) => {
    const r = route.request();
    if (r.method() === 'POST') {
      sent = r.postDataJSON();
      if (delivered) await route.fetch();
      return route.abort('connectionreset');
    }
    const cid = new URL(r.url()).searchParams.get('clientOrderId');
    if (cid === null) return route.continue();
    lookups.push(cid);
    return lookupFails(lookups.length) ? route.abort('connectionrefused') : route.continue();
  };
  await p.route((url) => url.pathname === '/api/v1/order', handle);
  try {
    await p.click('[data-testid=side-buy]');
    await typeIn(p, 'order-price', price);
    await typeIn(p, 'order-quantity', quantity);
    await p.selectOption('[data-testid=order-tif]', 'IOC');
    await p.click('[data-testid=order-submit]');
    await p.locator('[data-testid=order-error]').waitFor();
    assert.equal(await p.getAttribute('[data-testid=order-error]', 'data-code'), 'NETWORK');
    const toast = await waitFor(async () => {
      const told = (await toasts(p)).find((t) => /^Buy TATA: /.test(t.text));
      if (!told) await p.clock.fastForward(1_000);
      return told;
    }, { timeout: 40_000, interval: 100, message: 'what became of the order whose answer was lost' });
    // What the form's "may have been placed" became once the page told what became of the order.
    await sleep(300);
    const errorLeft = await p.locator('[data-testid=order-error]').count();
    const asked = lookups.length;
    await p.clock.fastForward(60_000);
    await sleep(500);
    assert.equal(lookups.length, asked, 'no lookup once it is told');
    assert.deepEqual(p.errors, []);
    return { cid: sent.clientOrderId, lookups, toast, errorLeft };
  } finally {
    await p.close();
  }
}

describe('order form', { timeout: 240_000 }, () => {
  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'exchange-e2e-config-'));
    writeFileSync(path.join(configDir, 'exchange.toml'), CONFIG);
    ex = await startExchange({ args: ['--config', path.join(configDir, 'exchange.toml')] });
    api = rest(ex.baseUrl);
    // A last price and a book on both sides of each market (users 1 and 2; the page trades as 5).
    await seedBook(api, M);
    await api.placeOrder({ market: 'INFY_INR', side: 'sell', price: '1500', quantity: '3', userId: '1' });
    await api.placeOrder({ market: 'INFY_INR', side: 'buy', price: '1500', quantity: '1', userId: '2' });
    await api.placeOrder({ market: 'INFY_INR', side: 'buy', price: '1495', quantity: '4', userId: '2' });
    await api.placeOrder({ market: 'BTC_INR', side: 'sell', price: '5000000', quantity: '0.01', userId: '1' });
    await api.placeOrder({ market: 'BTC_INR', side: 'buy', price: '5000000', quantity: '0.005', userId: '2' });
    await api.placeOrder({ market: 'BTC_INR', side: 'buy', price: '4990000', quantity: '0.01', userId: '2' });
    browser = await launchBrowser();
    page = await openTrade(M);
  });

  after(async () => {
    await browser?.close();
    if (ex) await stopExchange(ex, { removeData: true });
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('keeps a typed decimal point on markets of whole steps and ticks, and sends nothing', async () => {
    const infy = await openTrade('INFY_INR');
    const sent = (await ordersOf('5', 'INFY_INR')).length;
    await infy.fill('[data-testid=order-price]', '1500.00');
    for (const amount of ['2.5', '0.5']) {
      await typeIn(infy, 'order-quantity', amount);
      assert.equal(await infy.inputValue('[data-testid=order-quantity]'), amount, 'the amount as typed');
      assert.equal(await infy.textContent('[data-testid=order-quantity-error]'), 'Amount must be a whole number (a multiple of 1)');
      assert.equal(await infy.textContent('[data-testid=order-total]'), '—', 'no total for an amount that cannot be sent');
      await infy.click('[data-testid=order-submit]');
      // Said once, under the field (not again in the form's alert); the field gets the focus.
      assert.equal(await infy.locator('[data-testid=order-error]').count(), 0, 'no second copy of the message');
      assert.equal(await infy.evaluate(() => document.activeElement?.dataset.testid), 'order-quantity');
    }
    await shot(infy, 'form-infy-whole-step');
    await typeIn(infy, 'order-quantity', '2');
    assert.equal(await infy.locator('[data-testid=order-quantity-error]').count(), 0);
    assert.equal(await infy.textContent('[data-testid=order-total]'), '3,000.00 INR');
    await sleep(300);
    assert.equal((await ordersOf('5', 'INFY_INR')).length, sent, 'no order was sent');
    await infy.close();

    const btc = await openTrade('BTC_INR');
    await typeIn(btc, 'order-price', '5000000.5');
    assert.equal(await btc.inputValue('[data-testid=order-price]'), '5000000.5');
    assert.equal(await btc.textContent('[data-testid=order-price-error]'), 'Price must be a whole number (a multiple of 1)');
    await typeIn(btc, 'order-quantity', '0.001');
    await btc.click('[data-testid=order-submit]');
    assert.equal(await btc.locator('[data-testid=order-error]').count(), 0);
    assert.equal(await btc.locator('.field-error').count(), 1, 'the message once');
    assert.equal(await btc.evaluate(() => document.activeElement?.dataset.testid), 'order-price');
    await sleep(300);
    assert.equal((await ordersOf('5', 'BTC_INR')).length, 0, 'no order was sent');
    // Prices are shown one way across the page: ungrouped, at the tick's precision.
    assert.equal((await btc.textContent('[data-testid=ticker-last]')).trim(), '5000000');
    assert.equal((await btc.textContent('[data-testid=book-spread] .spread-last')).trim(), '5000000');
    await btc.close();
  });

  it('refuses negative, exponent and over-precise input as typed, with a message', async () => {
    await page.click('[data-testid=side-buy]');
    await page.click('[data-testid=tab-limit]');
    await typeIn(page, 'order-quantity', '1');
    const sent = (await ordersOf('5', M)).length;
    const cases = [
      ['-995', 'Price cannot be negative'],
      ['1e3', /^Price must be a plain decimal number/],
      ['995.5555', 'Price must be a multiple of 0.01: at most 2 decimals'],
    ];
    for (const [typed, message] of cases) {
      await typeIn(page, 'order-price', typed);
      assert.equal(await page.inputValue('[data-testid=order-price]'), typed, 'kept as typed');
      const inline = await page.textContent('[data-testid=order-price-error]');
      if (typeof message === 'string') assert.equal(inline, message); else assert.match(inline, message);
      assert.equal(await page.getAttribute('[data-testid=order-price]', 'aria-invalid'), 'true');
      await page.click('[data-testid=order-submit]');
      assert.deepEqual(await page.$$eval('.field-error, [data-testid=order-error]', (els) => els.map((e) => e.textContent)), [inline],
        'the message once, under the field');
    }
    await shot(page, 'form-refused-input');
    await sleep(300);
    assert.equal((await ordersOf('5', M)).length, sent, 'no order was sent');
  });

  it('moves from Price to Amount with Tab, and Enter in any field submits', async () => {
    await typeIn(page, 'order-price', '990.00');
    await typeIn(page, 'order-quantity', '0.10');
    await page.focus('[data-testid=order-price]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'order-quantity');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await toasts()).some((t) => t.text.startsWith('Buy TATA: order placed')), { message: 'the order placed by Enter' });
    assert.equal(await page.inputValue('[data-testid=order-price]'), '990.00', 'Enter did not step the price');
    await waitFor(async () => (await api.openOrders('5', M)).some((o) => norm(o.price) === '990' && norm(o.quantity) === '0.1'), { message: 'the order at 990.00' });

    // Enter on the time-in-force select submits too.
    await typeIn(page, 'order-quantity', '0.20');
    await page.focus('[data-testid=order-tif]');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await api.openOrders('5', M)).some((o) => norm(o.quantity) === '0.2'), { message: 'the order sent by Enter on the select' });
    await api.call('DELETE', 'orders', { market: M, userId: '5' });
  });

  it('sends one order however often Enter is pressed while one is on its way', async () => {
    await page.click('[data-testid=tab-limit]');
    await page.click('[data-testid=side-buy]');
    await typeIn(page, 'order-price', '980.00');
    await typeIn(page, 'order-quantity', '0.30');
    const posts = [];
    const onRequest = (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/order') posts.push(r.postData()); };
    // A slow exchange: the order is held on its way until every Enter below has been pressed,
    // however long the presses take.
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    let held = 0;
    const slow = async (route) => {
      if (route.request().method() === 'POST') {
        ++held;
        await released;
      }
      await route.continue();
    };
    page.on('request', onRequest);
    await page.route('**/api/v1/order', slow);
    try {
      await page.focus('[data-testid=order-tif]');
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Enter');
        await sleep(50);
      }
      await waitFor(() => held > 0, { message: 'the order on its way' });
      assert.equal(await page.textContent('[data-testid=order-submit]'), 'Placing…');
      await page.focus('[data-testid=order-postonly]');
      await page.keyboard.press('Enter');
      await page.focus('[data-testid=order-quantity]');
      await page.keyboard.press('Enter');
      release();
      await waitFor(async () => (await page.textContent('[data-testid=order-submit]')) !== 'Placing…', { message: 'the answer' });
      await sleep(300);
    } finally {
      release();
      await page.unroute('**/api/v1/order', slow);
      page.off('request', onRequest);
    }
    assert.equal(posts.length, 1, `one order sent: ${posts.join(' ')}`);
    assert.equal((await api.openOrders('5', M)).filter((o) => norm(o.price) === '980').length, 1, 'one order at 980.00');
    await api.call('DELETE', 'orders', { market: M, userId: '5' });
  });

  it('names each field by its label alone, and steps it with the arrow keys', async () => {
    await page.click('[data-testid=tab-limit]');
    await typeIn(page, 'order-price', '50.00');
    await typeIn(page, 'order-quantity', '');
    // Clicking the label's text focuses the input; it no longer presses the "−" button.
    await page.click('label.field-label >> text=Price');
    assert.equal(await page.inputValue('[data-testid=order-price]'), '50.00', 'the price as it was');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'order-price');
    assert.equal(await page.getByLabel('Price', { exact: true }).getAttribute('data-testid'), 'order-price');
    assert.equal(await page.getByLabel('Amount', { exact: true }).getAttribute('data-testid'), 'order-quantity');
    assert.equal(await page.getByRole('button', { name: 'Increase price by 0.01' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Decrease amount by 0.01' }).count(), 1);
    // The buttons are out of the tab order: the arrow keys step the value instead.
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.inputValue('[data-testid=order-price]'), '50.01');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('[data-testid=order-price]'), '49.99');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.inputValue('[data-testid=order-quantity]'), '0.01');
    await clearOrder(page);
  });

  it('estimates a market order from the book shown, and says when the book cannot fill it', async () => {
    await page.click('[data-testid=tab-market]');
    await page.click('[data-testid=side-buy]');
    // Asks: 2 @ 1005, 2.25 @ 1006, ...: 3 costs 2 x 1005 + 1 x 1006, not 3 x the last price (1000).
    await typeIn(page, 'order-quantity', '3');
    await waitFor(async () => (await page.textContent('[data-testid=order-total]')) === '≈ 3,016.00 INR', { message: 'estimate from the asks' });
    assert.equal(await page.getAttribute('[data-testid=order-total]', 'data-complete'), 'true');
    // The book moves: so does the estimate (the 1005 level taken by another user).
    await api.placeOrder({ market: M, side: 'buy', price: '1005.00', quantity: '2', userId: '2' });
    await waitFor(async () => (await page.textContent('[data-testid=order-total]')) === '≈ 3,018.75 INR', { message: 'estimate after the book moved' });
    // More than the asks hold (2.25 + 2.5 + ... = 21 TATA left).
    await typeIn(page, 'order-quantity', '30');
    await waitFor(async () => (await page.textContent('[data-testid=order-total]'))?.startsWith('The book can fill only 21.00 TATA'), { message: 'not enough asks' });
    assert.equal(await page.getAttribute('[data-testid=order-total]', 'data-complete'), 'false');
    await shot(page, 'form-market-estimate');
    // A sell walks the bids: 2 @ 995 + 1 @ 994.
    await page.click('[data-testid=side-sell]');
    await typeIn(page, 'order-quantity', '3');
    await waitFor(async () => (await page.textContent('[data-testid=order-total]')) === '≈ 2,984.00 INR', { message: 'estimate from the bids' });
    await page.click('[data-testid=side-buy]');
  });

  it('tells a user without funds how to deposit, and spends a share of the balance on the asks', async () => {
    const user = 'trader77';
    const p = await openTrade(M, { user });
    await p.click('[data-testid=tab-limit]');
    await typeIn(p, 'order-price', '990.00');
    await typeIn(p, 'order-quantity', '1');
    await p.click('[data-testid=order-submit]');
    const error = p.locator('[data-testid=order-error]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'UNKNOWN_USER');
    const text = await error.locator('.error-message').textContent();
    assert.equal(text, 'User trader77 has no funds yet. Deposit INR first (Balances → Deposit), then place the order.');
    assert.equal(await error.locator('.error-code').count(), 0, 'no bare error code');
    await shot(p, 'form-no-funds');
    await p.click('[data-testid=order-deposit]');
    await p.waitForSelector('[data-testid=tab-balances][aria-selected=true]');
    await waitFor(() => p.evaluate(() => document.activeElement?.dataset.testid === 'deposit-amount'), { message: 'the deposit amount focused' });
    await p.keyboard.type('5000');
    await p.keyboard.press('Enter');
    await waitFor(async () => (await p.textContent('[data-testid=available]')) === '5,000.00 INR', { message: 'the deposit available' });

    // 100% of 5,000 INR at market: 2.25 @ 1006 (2,263.50), 2.5 @ 1007 (2,517.50), then 0.21 @ 1008 (211.68).
    await p.click('[data-testid=tab-market]');
    await p.click('[data-testid=side-buy]');
    await p.click('.percent >> text=100%');
    await waitFor(async () => (await p.inputValue('[data-testid=order-quantity]')) === '4.96', { message: 'the quantity 5,000 INR buys' });
    await waitFor(async () => (await p.textContent('[data-testid=order-total]')) === '≈ 4,992.68 INR', { message: 'its estimated total' });
    await p.close();
  });

  it("measures the band from the best price on a market without trades, and leaves the user's own orders out", async () => {
    const W = 'WIPRO_INR';
    // No trade yet. Asks of user 1: 2 @ 100, 2 @ 105, 5 @ 115 (beyond the 10 % band around 100),
    // and one of user 5's own from another session, 1 @ 101, which self-trade prevention cancels.
    for (const [price, quantity] of [['100.00', '2'], ['105.00', '2'], ['115.00', '5']]) {
      await api.placeOrder({ market: W, side: 'sell', price, quantity, userId: '1' });
    }
    const own = await api.placeOrder({ market: W, side: 'sell', price: '101.00', quantity: '1', userId: '5' });
    const p = await openTrade(W);
    await waitFor(async () => (await p.$$(`[data-testid=open-order][data-order-id="${own.orderId}"]`)).length === 1, { message: "the user's own ask" });
    await p.click('[data-testid=tab-market]');
    await p.click('[data-testid=side-buy]');
    await typeIn(p, 'order-quantity', '10');
    await waitFor(async () => (await p.textContent('[data-testid=order-total]')) === 'The book can fill only 4.00 WIPRO within the price band (≈ 410.00 INR)',
      { message: 'the estimate within the band, without the own ask' });
    // 100 % of the balance: what the band leaves of the others' asks.
    await p.click('.percent >> text=100%');
    await waitFor(async () => (await p.inputValue('[data-testid=order-quantity]')) === '4.00', { message: 'the quantity within the band' });
    await waitFor(async () => (await p.textContent('[data-testid=order-total]')) === '≈ 410.00 INR', { message: 'its estimate' });
    await shot(p, 'form-market-no-trades');
    await p.click('[data-testid=order-submit]');
    await waitFor(async () => (await toasts(p)).some((t) => t.text === 'Buy WIPRO: filled 4.00 WIPRO filled'), { message: 'the fill' });
    // The exchange cancelled the user's own ask when this page's order crossed it: said so.
    await expectSelfTradeCancel(p, 'Sell 1.00 WIPRO at 101.00');
    assert.deepEqual(await api.openOrders('5', W), []);
    const trades = await api.trades(W);
    assert.deepEqual(trades.map((t) => `${norm(t.q ?? t.qty ?? t.quantity)}@${norm(t.p ?? t.price)}`).sort(), ['2@100', '2@105']);

    // A market sell with no bids at all expires: the toast speaks of the band, not of "its price".
    await p.click('[data-testid=side-sell]');
    await typeIn(p, 'order-quantity', '1');
    await p.click('[data-testid=order-submit]');
    await waitFor(async () => (await toasts(p)).some((t) => t.text.startsWith('Sell WIPRO: expired, nothing filled')), { message: 'the expired sell' });
    const expired = (await toasts(p)).find((t) => t.text.startsWith('Sell WIPRO: expired'));
    assert.equal(expired.text, 'Sell WIPRO: expired, nothing filled IOC: nothing in the book to trade with within the price band (bids near the last price)');
    await p.close();
  });

  it('warns, not congratulates, when an IOC or FOK order fills nothing', async () => {
    await page.click('[data-testid=tab-limit]');
    await page.click('[data-testid=side-buy]');
    await typeIn(page, 'order-price', '900.00');
    await typeIn(page, 'order-quantity', '1');
    await page.selectOption('[data-testid=order-tif]', 'IOC');
    await page.click('[data-testid=order-submit]');
    await waitFor(async () => (await toasts()).some((t) => t.text.startsWith('Buy TATA: expired, nothing filled')), { message: 'the IOC toast' });
    const ioc = (await toasts()).find((t) => t.text.startsWith('Buy TATA: expired'));
    assert.equal(ioc.kind, 'warning');
    await shot(page, 'form-ioc-nothing-filled');
    await page.selectOption('[data-testid=order-tif]', 'FOK');
    await typeIn(page, 'order-price', '1006.00');
    await typeIn(page, 'order-quantity', '100');
    await page.click('[data-testid=order-submit]');
    await waitFor(async () => (await toasts()).some((t) => t.kind === 'warning' && t.text.startsWith('Buy TATA: expired, nothing filled') && t.text.includes('FOK')),
      { message: 'the FOK toast' });
    await page.selectOption('[data-testid=order-tif]', 'GTC');
  });

  it('tells the trader when the exchange closes one of their open orders on its own', async () => {
    // An ask of user 5 below everyone else's, from this page.
    await page.click('[data-testid=side-sell]');
    await typeIn(page, 'order-price', '1004.50');
    await typeIn(page, 'order-quantity', '1');
    await page.click('[data-testid=order-submit]');
    await waitFor(async () => (await page.$$('[data-testid=open-order]')).length === 1, { message: 'the open order' });
    const [resting] = await api.openOrders('5', M);
    // Another session of the same user crosses it: self-trade prevention cancels the resting one.
    const taker = await api.placeOrder({ market: M, side: 'buy', price: '1004.50', quantity: '1', userId: '5' });
    await waitFor(async () => (await toasts()).some((t) => t.kind === 'warning' && t.text.startsWith('Sell 1.00 TATA at 1004.50: canceled')),
      { timeout: 15_000, message: 'the toast for the order the exchange cancelled' });
    const toast = (await toasts()).find((t) => t.text.startsWith('Sell 1.00 TATA at 1004.50'));
    assert.ok(toast.text.includes(resting.orderId), `the toast names the order: ${toast.text}`);
    await shot(page, 'orders-closed-by-exchange');

    // A cancel from this page is no news.
    await waitFor(async () => (await page.$$(`[data-testid=open-order][data-order-id="${taker.orderId}"]`)).length === 1, { message: "the taker's rest" });
    await page.click(`[data-testid=open-order][data-order-id="${taker.orderId}"] [data-testid=cancel-order]`);
    await waitFor(async () => (await page.$$('[data-testid=open-order]')).length === 0, { message: 'the cancel' });
    await sleep(1500);
    assert.deepEqual((await toasts()).filter((t) => t.text.startsWith('Buy 1.00 TATA at 1004.50')), [], 'no toast for the cancel');
  });

  it("does not blame self-trade prevention for an own order this page's market order cannot reach", async () => {
    await api.call('DELETE', 'orders', { market: M, userId: '5' });
    await page.click('[data-testid=tab-open]');
    // An ask from this page well above the others' (best 1006.00), within the band (10 % around ~1000).
    await page.click('[data-testid=tab-limit]');
    // A market buy of 0.10 fills at the best ask; while it is on its way, another session of the
    // user (a bot) cancels the ask at 1050.00, and the page sees it go before the buy's answer.
    const ask = await askThenMarketBuy(page, M, '1050.00', '0.10');
    const hold = async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const response = await route.fetch();
      await api.cancelOrder(ask.orderId, M);
      await waitFor(async () => (await page.$$(`[data-testid=open-order][data-order-id="${ask.orderId}"]`)).length === 0,
        { message: 'the ask gone while the buy is on its way' });
      await route.fulfill({ response });
    };
    await page.route('**/api/v1/order', hold);
    try {
      await page.click('[data-testid=order-submit]');
      await waitFor(async () => (await toasts()).some((t) => t.text === 'Buy TATA: filled 0.10 TATA filled'), { message: 'the fill' });
    } finally {
      await page.unroute('**/api/v1/order', hold);
    }
    await waitFor(async () => (await toasts()).some((t) => t.text.startsWith('Sell 1.00 TATA at 1050.00: canceled')),
      { timeout: 15_000, message: 'the toast for the ask' });
    const told = (await toasts()).find((t) => t.text.startsWith('Sell 1.00 TATA at 1050.00'));
    assert.match(told.text, /Not from this page: closed by the exchange or another session/);
    assert.doesNotMatch(told.text, /self-trade/);
    await page.click('[data-testid=tab-limit]');
    await clearOrder(page);
  });

  it('blames self-trade prevention for an own order that a market order reached past the book shown', async () => {
    await buyPastTheEstimate('ITC_INR', (route) => route.continue());
  });

  it('blames self-trade prevention for an own order that left the open orders before the market order reaching it was answered', async () => {
    // The page reloads its open orders, without the ask, before the buy's answer arrives.
    await buyPastTheEstimate('HDFC_INR', async (route, p, ask) => {
      const response = await route.fetch();
      await waitFor(async () => (await p.$$(`[data-testid=open-order][data-order-id="${ask.orderId}"]`)).length === 0,
        { message: 'the ask gone from the open orders before the answer' });
      await sleep(1500); // longer than the page gathers closures before it tells them
      await route.fulfill({ response });
    });
  });

  it("says nothing of another session's orders (a bot on the same user), and sums up a burst of closures", async () => {
    await page.click('[data-testid=tab-open]');
    const lookups = [];
    const onRequest = (r) => {
      const u = new URL(r.url());
      if (r.method() === 'GET' && (u.pathname === '/api/v1/order' || u.pathname === '/api/v1/orders')) lookups.push(u.pathname);
    };
    page.on('request', onRequest);
    const closedToasts = async () => (await toasts()).filter((t) => /: canceled|closed by the exchange/.test(t.text));
    try {
      // A market maker quoting as user 5, as the demo's may: 20 bids, then all of them cancelled.
      const ids = [];
      for (let i = 0; i < 20; i++) {
        ids.push((await api.placeOrder({ market: M, side: 'buy', price: (900 + i).toFixed(2), quantity: '1', userId: '5' })).orderId);
      }
      await waitFor(async () => (await page.$$('[data-testid=open-order]')).length === 20, { timeout: 15_000, message: "the bot's orders shown" });
      for (const id of ids) await api.cancelOrder(id, M);
      await waitFor(async () => (await page.$$('[data-testid=open-order]')).length === 0, { timeout: 15_000, message: "the bot's orders gone" });
      await sleep(2500);
      assert.deepEqual(await closedToasts(), [], 'no toast for orders this page did not place');
      assert.equal(lookups.filter((l) => l === '/api/v1/order').length, 0, 'no lookup per order');

      // Three orders from this page, all cancelled by another session: one toast for the three.
      await page.click('[data-testid=tab-limit]');
      await page.click('[data-testid=side-buy]');
      for (const price of ['901.00', '902.00', '903.00']) {
        await typeIn(page, 'order-price', price);
        await typeIn(page, 'order-quantity', '1');
        await page.click('[data-testid=order-submit]');
        await waitFor(async () => (await page.textContent('[data-testid=order-submit]')) !== 'Placing…', { message: 'the answer' });
      }
      await waitFor(async () => (await page.$$('[data-testid=open-order]')).length === 3, { message: 'the three orders shown' });
      lookups.length = 0;
      await api.call('DELETE', 'orders', { market: M, userId: '5' });
      await waitFor(async () => (await closedToasts()).length > 0, { timeout: 15_000, message: 'the summary' });
      await sleep(2000);
      const told = await closedToasts();
      assert.equal(told.length, 1, `one toast: ${JSON.stringify(told)}`);
      assert.match(told[0].text, /^3 orders closed by the exchange or another session Not from this page: Buy 1\.00 TATA at 90[123]\.00 \(canceled\)/);
      assert.equal(lookups.filter((l) => l === '/api/v1/order').length, 0, 'looked up together, not one by one');
      await shot(page, 'orders-closed-summary');
    } finally {
      page.off('request', onRequest);
      await clearOrder(page);
    }
  });

  it('shows what is filled of an open order on a phone, without scrolling sideways', async () => {
    // Above the other bids (best 995.00), so the sell meets this one.
    await api.placeOrder({ market: M, side: 'buy', price: '999.00', quantity: '2', userId: '5' });
    await api.placeOrder({ market: M, side: 'sell', price: '999.00', quantity: '0.5', userId: '1' });
    const phone = await openTrade(M, { width: 390, height: 844 });
    const [partial] = await api.openOrders('5', M);
    const row = `[data-testid=open-order][data-order-id="${partial.orderId}"]`;
    await waitFor(async () => norm(await phone.getAttribute(row, 'data-filled').catch(() => '')) === '0.5', { message: 'the partly filled order' });
    const filled = `${row} [data-testid=open-order-filled-xs]`;
    assert.ok(await onScreen(phone, filled), 'filled visible on a phone');
    assert.equal((await phone.textContent(filled)).trim(), '0.50 filled · 1.50 left');
    const [tableWidth, boxWidth] = await phone.$eval('[data-testid=open-orders]', (t) => [t.scrollWidth, t.parentElement.clientWidth]);
    assert.ok(tableWidth <= boxWidth, `open orders fit (${tableWidth}px in ${boxWidth}px)`);
    await phone.locator('[data-testid=account]').screenshot({ path: path.join(shots, 'open-orders-phone.png') });
    // On a desktop, the columns.
    await waitFor(async () => (await page.textContent(`${row} [data-testid=open-order-filled]`).catch(() => null)) === '0.50', { message: 'Filled column' });
    assert.equal(await page.textContent(`${row} [data-testid=open-order-remaining]`), '1.50');
    await phone.close();
    await api.call('DELETE', 'orders', { market: M, userId: '5' });
  });

  it('sends a deposit typed as ".5" or "5." as the exchange reads it', async () => {
    const user = 'depositor9';
    const p = await openTrade(M, { user });
    await p.click('[data-testid=tab-balances]');
    const sent = [];
    p.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/on-ramp') sent.push(r.postDataJSON().amount); });
    for (const typed of ['.5', '5.']) {
      await typeIn(p, 'deposit-amount', typed);
      await p.press('[data-testid=deposit-amount]', 'Enter');
      await waitFor(async () => (await p.textContent('[data-testid=deposit-message]').catch(() => ''))?.startsWith('Deposited'), { message: `the deposit of ${typed}` });
    }
    assert.deepEqual(sent, ['0.5', '5']);
    assert.equal(norm((await api.balances(user)).INR.available), '5.5');
    await p.close();
  });

  it('shows GTC while Post only is ticked, as the order is sent, and the pick again once unticked', async () => {
    const p = await openTrade(M);
    const tif = p.locator('[data-testid=order-tif]');
    await p.click('[data-testid=side-buy]');
    await p.selectOption('[data-testid=order-tif]', 'IOC');
    await p.click('[data-testid=order-postonly]');
    assert.equal(await tif.inputValue(), 'GTC', 'what a post-only order is sent with');
    assert.equal(await tif.isDisabled(), true);
    assert.equal(await tif.evaluate((e) => e.selectedOptions[0].textContent), 'GTC');
    await p.click('[data-testid=order-postonly]');
    assert.equal(await tif.inputValue(), 'IOC', 'the pick is back');
    assert.equal(await tif.isDisabled(), false);
    // Sent as shown.
    await p.click('[data-testid=order-postonly]');
    await typeIn(p, 'order-price', '900.00');
    await typeIn(p, 'order-quantity', '1');
    const [request] = await Promise.all([
      p.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/order'),
      p.click('[data-testid=order-submit]'),
    ]);
    assert.deepEqual([request.postDataJSON().timeInForce, request.postDataJSON().postOnly], ['GTC', true]);
    await waitFor(async () => (await api.openOrders('5', M)).some((o) => norm(o.price) === '900'), { message: 'the post-only order resting' });
    assert.equal(await tif.inputValue(), 'GTC');
    assert.deepEqual(p.errors, []);
    await p.close();
    await api.call('DELETE', 'orders', { market: M, userId: '5' });
  });

  it('takes a 503 answer to an order, a cancel or a deposit as an outcome unknown, not as a refusal', async () => {
    await api.call('DELETE', 'orders', { market: M, userId: '5' });
    const p = await openTrade(M);
    // What the exchange's gateway answers when the service behind it does not answer within
    // --request-timeout-ms, while the request goes through all the same.
    const late = (method) => async (route) => {
      if (route.request().method() !== method) return route.continue();
      await route.fetch();
      await route.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"UNAVAILABLE","message":"the service did not answer in time"}' });
    };
    const toastsOf = () => toasts(p);
    try {
      // An order: it rests in the book, its answer is a 503.
      const placeLate = late('POST');
      await p.route('**/api/v1/order', placeLate);
      await p.click('[data-testid=side-buy]');
      await typeIn(p, 'order-price', '985.00');
      await typeIn(p, 'order-quantity', '1');
      await p.click('[data-testid=order-submit]');
      const error = p.locator('[data-testid=order-error]');
      await error.waitFor();
      await p.unroute('**/api/v1/order', placeLate);
      assert.equal(await error.getAttribute('data-code'), 'UNAVAILABLE');
      assert.equal(await error.getAttribute('data-unknown-outcome'), 'true');
      assert.equal(await error.locator('.error-message').textContent(),
        'the service did not answer in time: the order may have been placed. Check Open orders before placing it again.');
      const [placed] = await api.openOrders('5', M);
      assert.ok(placed && norm(placed.price) === '985', 'it was placed');
      await waitFor(async () => (await p.$$('[data-testid=open-order]')).length === 1, { message: 'the order in Open orders' });
      await shot(p, 'form-503-unknown-outcome');

      // Its cancel: it goes through, its answer is a 503. Not "Cancel failed", and the open
      // orders reloaded show it gone; nor is its closing news "from another session".
      const cancelLate = late('DELETE');
      await p.route('**/api/v1/order', cancelLate);
      await p.click('[data-testid=cancel-order]');
      const told = await waitFor(async () => (await toastsOf()).find((t) => t.text.startsWith('Cancel')), { message: 'the cancel toast' });
      await p.unroute('**/api/v1/order', cancelLate);
      assert.equal(told.kind, 'warning');
      assert.equal(told.text, 'Cancel: outcome unknown the service did not answer in time: the cancel may have gone through. '
        + 'Open orders are reloaded to show what is still open.');
      assert.deepEqual(await api.openOrders('5', M), [], 'it was cancelled');
      await waitFor(async () => (await p.$$('[data-testid=open-order]')).length === 0, { message: 'the cancelled order gone from Open orders' });
      await sleep(2500);
      assert.deepEqual((await toastsOf()).filter((t) => /Cancel failed|Not from this page|closed by the exchange/.test(t.text)), []);

      // A deposit: it goes through, its answer is a 503.
      const before = norm((await api.balances('5')).INR.available);
      await p.click('[data-testid=tab-balances]');
      const depositLate = late('POST');
      await p.route('**/api/v1/on-ramp', depositLate);
      await typeIn(p, 'deposit-amount', '10');
      await p.press('[data-testid=deposit-amount]', 'Enter');
      const message = p.locator('[data-testid=deposit-message]');
      await message.waitFor();
      await p.unroute('**/api/v1/on-ramp', depositLate);
      assert.equal(await message.getAttribute('data-unknown-outcome'), 'true');
      assert.equal(await message.textContent(), 'the service did not answer in time: the deposit may have gone through. Check your INR balance before depositing again.');
      const after = norm((await api.balances('5')).INR.available);
      assert.equal(Number(after) - Number(before), 10, 'it was deposited');
      await waitFor(async () => norm(await p.getAttribute('[data-testid=balance-INR]', 'data-available')) === after, { message: 'the balance reloaded' });
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  it('keeps a huge total inside the form', async () => {
    await page.click('[data-testid=side-buy]');
    await typeIn(page, 'order-price', '99999999999999999999');
    await typeIn(page, 'order-quantity', '99999999999999999999');
    const [form, total] = await page.$$eval(['[data-testid=order-form]', '[data-testid=order-total]'].join(','),
      (els) => els.map((e) => e.getBoundingClientRect().right));
    assert.ok(total <= form, `total's right edge ${total} inside the form's ${form}`);
    await clearOrder(page);
  });

  it('keeps "the order may have been placed" after a lost answer, even once the exchange is back, and tells when that order closes', async () => {
    await page.click('[data-testid=tab-limit]');
    await page.click('[data-testid=side-buy]');
    await typeIn(page, 'order-price', '990.00');
    await typeIn(page, 'order-quantity', '1');
    const { httpPort, wsPort, dataDir, args } = ex;
    // The exchange takes the order, then goes down before its answer arrives, and comes back (a
    // new WebSocket session) before the page learns that the request failed.
    const lose = async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.fetch();
      await stopExchange(ex);
      await waitFor(async () => (await page.getAttribute('[data-testid=connection]', 'data-state')) !== 'live', { message: 'the connection lost' });
      ex = await startExchange({ httpPort, wsPort, dataDir, args });
      api = rest(ex.baseUrl);
      await waitLive(page, 20_000);
      await route.abort('connectionreset');
    };
    await page.route('**/api/v1/order', lose);
    try {
      await page.click('[data-testid=order-submit]');
      await page.locator('[data-testid=order-error]').waitFor({ timeout: 60_000 });
    } finally {
      await page.unroute('**/api/v1/order', lose);
    }
    const error = page.locator('[data-testid=order-error]');
    assert.equal(await error.getAttribute('data-code'), 'NETWORK');
    assert.equal(await error.locator('.error-message').textContent(),
      'Cannot reach the exchange: the order may have been placed. Check Open orders before placing it again.');
    await sleep(2500);
    assert.equal(await page.getAttribute('[data-testid=connection]', 'data-state'), 'live');
    assert.equal(await error.count(), 1, 'not cleared by the connection coming back');
    const placed = (await api.openOrders('5', M)).find((o) => norm(o.price) === '990' && norm(o.quantity) === '1');
    assert.ok(placed, 'it was placed');
    assert.match(placed.clientOrderId ?? '', /^web-/, 'with the clientOrderId the page gave it');
    await shot(page, 'form-unknown-outcome');
    assert.equal(await page.inputValue('[data-testid=order-quantity]'), '1', 'the form as it was');
    // The trader acts: the message has done its work.
    await typeIn(page, 'order-quantity', '2');
    await waitFor(async () => (await error.count()) === 0, { message: 'the error to go with an edit' });
    // The page recognised the order in its open orders: its closing by another session is told.
    await api.cancelOrder(placed.orderId, M);
    await waitFor(async () => (await toasts()).some((t) => t.text.startsWith('Buy 1.00 TATA at 990.00: canceled')),
      { timeout: 15_000, message: 'the toast for the order placed without an answer' });
    const told = (await toasts()).find((t) => t.text.startsWith('Buy 1.00 TATA at 990.00'));
    assert.match(told.text, new RegExp(`Not from this page: .*Order ${placed.orderId}`));
    assert.deepEqual(page.errors, []);
  });

  it('finds and tells what became of an order whose answer was lost and that filled before the open orders listed it', async () => {
    await page.click('[data-testid=tab-market]');
    await page.click('[data-testid=side-buy]');
    await typeIn(page, 'order-quantity', '0.10');
    await waitFor(async () => (await page.getAttribute('[data-testid=order-total]', 'data-complete')) === 'true', { message: 'the estimate' });
    const lookups = [];
    const onRequest = (r) => {
      const u = new URL(r.url());
      if (r.method() === 'GET' && u.pathname === '/api/v1/order') lookups.push(u.searchParams.get('clientOrderId'));
    };
    let sent = null;
    // The exchange takes the order and fills it at once; its answer is lost on the way back.
    const lose = async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      sent = route.request().postDataJSON();
      await route.fetch();
      await route.abort('connectionreset');
    };
    page.on('request', onRequest);
    await page.route('**/api/v1/order', lose);
    try {
      await page.click('[data-testid=order-submit]');
      await page.locator('[data-testid=order-error]').waitFor();
    } finally {
      await page.unroute('**/api/v1/order', lose);
    }
    try {
      assert.equal(await page.getAttribute('[data-testid=order-error]', 'data-code'), 'NETWORK');
      const placed = await api.call('GET', `order?clientOrderId=${sent.clientOrderId}&userId=5&market=${M}`);
      assert.equal(placed.body.status, 'FILLED', 'filled at once: never in the open orders');
      const told = await waitFor(async () => (await toasts()).find((t) => t.text.includes('Found after its answer was lost')),
        { timeout: 15_000, message: 'the toast for the order whose answer was lost' });
      assert.equal(told.kind, 'success');
      assert.equal(told.text, `Buy TATA: filled 0.10 TATA filled. Found after its answer was lost: order ${placed.body.orderId}`);
      await shot(page, 'form-lost-answer-found');
      await sleep(2500);
      assert.deepEqual(lookups, [sent.clientOrderId], 'one lookup, by its clientOrderId, and none once found');
      assert.deepEqual(page.errors, []);
    } finally {
      page.off('request', onRequest);
      await page.click('[data-testid=tab-limit]');
      await clearOrder(page);
    }
  });

  it('says "not placed" when a minute of lookups answered by the exchange does not find an order whose answer was lost, else that its outcome is unknown', async () => {
    await api.call('DELETE', 'orders', { market: M, userId: '5' });
    const lookUp = (cid) => api.call('GET', `order?clientOrderId=${cid}&userId=5&market=${M}`);
    // Lost before it reached the exchange: each of the six lookups is answered "no such order".
    const never = await loseAnswer({ price: '990.00', quantity: '1', delivered: false });
    assert.deepEqual(never.lookups, Array(6).fill(never.cid), 'six lookups, by its clientOrderId');
    assert.equal(never.toast.kind, 'info');
    assert.equal(never.toast.text, 'Buy TATA: not placed The answer to placing it was lost, and the exchange, reached again, has no such order: '
      + 'it was not placed. You may place it again.');
    assert.equal(never.errorLeft, 0, 'the form\'s "may have been placed" cleared');
    assert.equal((await lookUp(never.cid)).status, 404, 'it never reached the exchange');
    // Taken by the exchange, but no lookup reaches it: unknown, for that reason, and the form keeps its warning.
    const unreachable = await loseAnswer({ price: '990.00', quantity: '1', delivered: true, lookupFails: () => true });
    assert.deepEqual(unreachable.lookups, Array(6).fill(unreachable.cid));
    assert.equal(unreachable.toast.kind, 'warning');
    assert.equal(unreachable.toast.text, 'Buy TATA: outcome unknown The answer to placing it was lost and the exchange could not be reached to look for it. '
      + 'Check Open orders and Order history before placing it again.');
    assert.ok(!unreachable.toast.text.includes(unreachable.cid), 'no internal id');
    assert.equal(unreachable.errorLeft, 1);
    assert.equal((await lookUp(unreachable.cid)).body.status, 'EXPIRED', 'it was placed (and expired: nothing at 990.00)');
  });

  it('tells the real outcome of an order whose answer was lost once a lookup reaches the exchange', async () => {
    const [[bestAsk, atBest]] = (await api.depth(M)).asks;
    // A buy of all at the best ask and one more, IOC: it fills what rests there, the rest expires.
    const lost = await loseAnswer({
      price: Number(bestAsk).toFixed(2), quantity: (Number(atBest) + 1).toFixed(2), delivered: true, lookupFails: (n) => n <= 2,
    });
    assert.deepEqual(lost.lookups, Array(3).fill(lost.cid), 'two lookups that failed, then the one that found it');
    const placed = (await api.call('GET', `order?clientOrderId=${lost.cid}&userId=5&market=${M}`)).body;
    assert.equal(placed.status, 'EXPIRED');
    assert.equal(norm(placed.executedQty), norm(atBest));
    assert.equal(lost.toast.kind, 'success');
    assert.equal(lost.toast.text, `Buy TATA: partially filled ${Number(atBest).toFixed(2)} TATA filled, the rest expired. `
      + `Found after its answer was lost: order ${placed.orderId}`);
  });
});
