/**
 * Browser tests of the order form and the user's orders against the real exchange, on markets of
 * several precisions (a whole-share step, a whole-rupee tick): typed numbers kept as typed and
 * refused with a message rather than rewritten, the market order's estimate from the book, the
 * keyboard, the toasts (nothing filled; an order the exchange closed on its own), a user without
 * funds, partly filled orders on a phone, and the form after an outage.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureArtifacts, launchBrowser, norm, onScreen, openPage, rest, sleep, startExchange, stopExchange, waitFor,
} from './harness.mjs';

const shots = ensureArtifacts();
const shot = (p, name, fullPage = false) => p.screenshot({ path: path.join(shots, `${name}.png`), fullPage });

// The markets of config/exchange.example.toml: INFY trades in whole shares, BTC at whole rupees.
const CONFIG = `
[[assets]]
name = "TATA"
decimals = 2
[[assets]]
name = "INFY"
decimals = 2
[[assets]]
name = "BTC"
decimals = 8
[[assets]]
name = "INR"
decimals = 2
[[markets]]
id = 1
base = "TATA"
quote = "INR"
tick_size = "0.01"
step_size = "0.01"
min_qty = "0.01"
min_notional = "1"
price_band = "0.1"
[[markets]]
id = 2
base = "INFY"
quote = "INR"
tick_size = "0.05"
step_size = "1"
min_qty = "1"
min_notional = "10"
price_band = "0.05"
[[markets]]
id = 3
base = "BTC"
quote = "INR"
tick_size = "1"
step_size = "0.00001"
min_qty = "0.0001"
min_notional = "100"
price_band = "0.1"
`;

let ex, api, browser, page, configDir;

const M = 'TATA_INR';

/** Types `text` key by key into a field emptied first, as a person would. */
async function typeIn(p, testId, text) {
  const el = p.locator(`[data-testid=${testId}]`);
  await el.fill('');
  if (text) await el.pressSequentially(text);
}

async function waitLive(p = page, timeout = 15_000) {
  await waitFor(async () => (await p.getAttribute('[data-testid=connection]', 'data-state')) === 'live', { timeout, message: 'live' });
}

async function openTrade(market, { user = '5', width = 1440, height = 900 } = {}) {
  const p = await openPage(browser, { width, height });
  await p.context().addInitScript((u) => localStorage.setItem('exchange.userId', u), user);
  await p.goto(`${ex.baseUrl}/trade/${market}`);
  await p.waitForSelector(`[data-testid=trade-view][data-market=${market}]`);
  await waitLive(p);
  await p.waitForSelector('[data-testid=book-ask]');
  return p;
}

const toasts = (p = page) => p.$$eval('[data-testid=toast]', (els) => els.map((e) => ({ kind: e.dataset.kind, text: e.innerText.replace(/\s+/g, ' ').trim() })));
const ordersOf = async (userId, market) => (await api.call('GET', `orders?userId=${userId}&market=${market}&limit=50`)).body ?? [];

describe('order form', { timeout: 240_000 }, () => {
  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'exchange-e2e-config-'));
    writeFileSync(path.join(configDir, 'exchange.toml'), CONFIG);
    ex = await startExchange({ args: ['--config', path.join(configDir, 'exchange.toml')] });
    api = rest(ex.baseUrl);
    // A last price and a book on both sides of each market (users 1 and 2; the page trades as 5).
    await api.placeOrder({ market: M, side: 'sell', price: '1000.00', quantity: '1', userId: '1' });
    await api.placeOrder({ market: M, side: 'buy', price: '1000.00', quantity: '1', userId: '2' });
    for (let i = 0; i < 8; i++) {
      await api.placeOrder({ market: M, side: 'sell', price: (1005 + i).toFixed(2), quantity: (2 + i / 4).toFixed(2), userId: '1' });
      await api.placeOrder({ market: M, side: 'buy', price: (995 - i).toFixed(2), quantity: (2 + i / 4).toFixed(2), userId: '2' });
    }
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
      assert.equal(await infy.textContent('[data-testid=order-error] .error-message'), 'Amount must be a whole number (a multiple of 1)');
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
    assert.equal(await btc.textContent('[data-testid=order-error] .error-message'), 'Price must be a whole number (a multiple of 1)');
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
      assert.equal(await page.textContent('[data-testid=order-error] .error-message'), inline);
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

  it('keeps a huge total inside the form', async () => {
    await page.click('[data-testid=side-buy]');
    await typeIn(page, 'order-price', '99999999999999999999');
    await typeIn(page, 'order-quantity', '99999999999999999999');
    const [form, total] = await page.$$eval(['[data-testid=order-form]', '[data-testid=order-total]'].join(','),
      (els) => els.map((e) => e.getBoundingClientRect().right));
    assert.ok(total <= form, `total's right edge ${total} inside the form's ${form}`);
    await typeIn(page, 'order-price', '');
    await typeIn(page, 'order-quantity', '');
  });

  it('clears "cannot reach the exchange" once the exchange is back', async () => {
    await typeIn(page, 'order-price', '990.00');
    await typeIn(page, 'order-quantity', '1');
    const { httpPort, wsPort, dataDir, args } = ex;
    await stopExchange(ex, { signal: 'SIGKILL' });
    await page.click('[data-testid=order-submit]');
    const error = page.locator('[data-testid=order-error]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'NETWORK');
    ex = await startExchange({ httpPort, wsPort, dataDir, args });
    api = rest(ex.baseUrl);
    await waitLive(page, 20_000);
    await waitFor(async () => (await error.count()) === 0, { message: 'the network error to clear by itself' });
    assert.equal(await page.inputValue('[data-testid=order-quantity]'), '1', 'the form as it was');
    assert.deepEqual(page.errors, []);
  });
});
