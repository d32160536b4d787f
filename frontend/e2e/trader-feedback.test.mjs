/**
 * Browser tests of what the trading page tells the trader, from a review of the page: the account
 * panel's error while the exchange is unreachable on a phone (below the tabs, never over them; the
 * live panels dimmed meanwhile), a
 * user id the exchange would refuse (said at the box, never saved nor used), the toast when a
 * resting order fills, a market named in another case in the URL, and the side kept across markets.
 * Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureArtifacts, launchBrowser, openPage, openTrade, rest, seedBook, sleep, startExchange, stopExchange, typeIn, waitFor, waitLive,
} from './harness.mjs';

const M = 'TATA_INR';
const shots = ensureArtifacts();

let ex, api, browser;

const toasts = (p) => p.$$eval('[data-testid=toast]', (els) => els.map((e) => ({ kind: e.dataset.kind, text: e.innerText.replace(/\s+/g, ' ').trim() })));

describe('what the page tells the trader', { timeout: 240_000 }, () => {
  before(async () => {
    ex = await startExchange();
    api = rest(ex.baseUrl);
    await seedBook(api, M);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (ex) await stopExchange(ex, { removeData: true });
  });

  it('puts the account error below the tabs on a phone while the exchange is unreachable, and the tabs stay usable', async () => {
    const phone = await openTrade(browser, ex.baseUrl, M, { width: 390, height: 844 });
    try {
      await phone.waitForSelector('[data-testid=open-order], [data-testid=account] .state');
      await waitFor(async () => (await phone.$$('[data-testid=account] table, [data-testid=account] .state')).length > 0, { message: 'the account loaded' });
      const { httpPort, wsPort, dataDir, args } = ex;
      await stopExchange(ex);
      // The account reloads every 10 s: its error shows over the lists loaded before.
      const error = phone.locator('.account-error');
      await error.waitFor({ timeout: 20_000 });
      assert.match(await error.textContent(), /Cannot reach the exchange/);
      await phone.locator('[data-testid=account]').scrollIntoViewIfNeeded();
      await phone.screenshot({ path: path.join(shots, 'account-error-phone.png') });
      const box = (sel) => phone.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; });
      const tabs = await box('[data-testid=account] [role=tablist]');
      const err = await box('.account-error');
      assert.ok(err.top >= tabs.bottom - 1, `the error (top ${err.top}) below the tabs (bottom ${tabs.bottom})`);
      for (const name of ['open', 'history', 'fills', 'balances']) {
        const clipped = await phone.$eval(`[data-testid=tab-${name}]`, (e) => {
          const r = e.getBoundingClientRect();
          const list = e.parentElement.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return { whole: e.scrollWidth <= e.clientWidth && r.left >= list.left - 1 && r.right <= list.right + 1, hit: e.contains(hit) };
        });
        assert.ok(clipped.whole, `tab ${name} shown whole`);
        assert.ok(clipped.hit, `tab ${name} not covered`);
      }
      await phone.click('[data-testid=tab-balances]');
      assert.equal(await phone.getAttribute('[data-testid=tab-balances]', 'aria-selected'), 'true');
      // Every live panel is dimmed while the connection is lost, not only the book.
      const live = ['[data-testid=ticker-last]', '[data-testid=chart-panel] .chart-wrap', '[data-testid=trades] .trades-list', '[data-testid=orderbook] .book'];
      const dimmed = () => phone.evaluate((sels) => sels.map((s) => {
        let o = 1;
        for (let e = document.querySelector(s); e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
        return o < 1;
      }), live);
      assert.deepEqual(await dimmed(), live.map(() => true), 'ticker, chart, trades and book dimmed');
      ex = await startExchange({ httpPort, wsPort, dataDir, args });
      api = rest(ex.baseUrl);
      await waitLive(phone, 20_000);
      await waitFor(async () => (await dimmed()).every((d) => !d), { message: 'the live panels bright again' });
    } finally {
      await phone.close();
    }
  });

  it('refuses a user id the exchange would refuse at the box: says which characters are allowed, never saves nor uses it', async () => {
    const p = await openTrade(browser, ex.baseUrl, M);
    try {
      const asked = [];
      p.on('request', (r) => { const u = new URL(r.url()); if (u.searchParams.has('userId')) asked.push(u.searchParams.get('userId')); });
      await p.fill('[data-testid=user-input]', 'bad user!');
      const problem = p.locator('[data-testid=user-problem]');
      await problem.waitFor();
      assert.equal(await problem.textContent(), 'Only letters, digits, "_" and "-". Letters, digits, "_" and "-", at most 64.');
      assert.equal(await p.getAttribute('[data-testid=user-input]', 'aria-invalid'), 'true');
      await p.press('[data-testid=user-input]', 'Enter');
      await sleep(500);
      assert.equal(await p.evaluate(() => localStorage.getItem('exchange.userId')), '5', 'not saved');
      await p.screenshot({ path: path.join(shots, 'user-id-refused.png') });
      // Leaving the box puts back the user the page trades as.
      await p.click('[data-testid=order-quantity]');
      assert.equal(await p.inputValue('[data-testid=user-input]'), '5');
      assert.equal(await problem.count(), 0);
      await p.click('[data-testid=tab-balances]');
      await sleep(500);
      assert.deepEqual(asked.filter((u) => u !== '5'), [], 'every request as user 5');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
    // An id saved before ids were checked is not used either: the default user instead.
    const saved = await openTrade(browser, ex.baseUrl, M, { user: 'bad user!' });
    try {
      await sleep(1000);
      assert.equal(await saved.inputValue('[data-testid=user-input]'), '5');
      assert.equal(await saved.locator('.account-error').count(), 0);
    } finally {
      await saved.close();
    }
  });
  it('tells the fills of a resting order: a partial fill, then the fill in full, one toast each', async () => {
    const p = await openTrade(browser, ex.baseUrl, M);
    try {
      // User 5 rests a sell; once the page lists it, user 2 buys part of it, then the rest.
      const sell = await api.placeOrder({ market: M, side: 'sell', price: '1003.10', quantity: '0.30', userId: '5' });
      await waitFor(async () => (await p.$$eval('[data-testid=open-order]', (els) => els.map((e) => e.dataset.orderId))).includes(sell.orderId),
        { timeout: 15_000, message: 'the resting sell listed' });
      await api.placeOrder({ market: M, side: 'buy', price: '1003.10', quantity: '0.10', userId: '2' });
      const partial = await waitFor(async () => (await toasts(p)).find((t) => t.text.startsWith('Sell 0.10 of 0.30 TATA')),
        { timeout: 10_000, message: 'the partial fill told' });
      assert.equal(partial.text, `Sell 0.10 of 0.30 TATA filled at 1,003.10 Partially filled: 0.20 TATA still open. Order ${sell.orderId}`);
      await api.placeOrder({ market: M, side: 'buy', price: '1003.10', quantity: '0.20', userId: '2' });
      const whole = await waitFor(async () => (await toasts(p)).find((t) => t.text.startsWith('Sell 0.30 TATA filled')),
        { timeout: 10_000, message: 'the fill in full told' });
      assert.equal(whole.text, `Sell 0.30 TATA filled at 1,003.10 Order ${sell.orderId}`);
      await p.screenshot({ path: path.join(shots, 'resting-fill-toast.png') });
      await sleep(1500);
      assert.equal((await toasts(p)).filter((t) => t.text.includes('TATA filled at')).length, 2, 'one toast per fill');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });
  it('finds a market named in another case, and keeps the side chosen when switching markets', async () => {
    const p = await openPage(browser);
    try {
      await p.goto(`${ex.baseUrl}/trade/tata_inr`);
      await p.waitForSelector(`[data-testid=trade-view][data-market=${M}]`);
      await waitFor(() => p.evaluate(() => window.location.pathname === '/trade/TATA_INR'), { message: "the URL in the market's own spelling" });
      await p.click('[data-testid=side-sell]');
      await p.click('[data-testid=market-switcher]');
      await p.click('[data-testid=market-menu] a[href$="/trade/INFY_INR"]');
      await p.waitForSelector('[data-testid=trade-view][data-market=INFY_INR]');
      await sleep(300);
      assert.equal(await p.getAttribute('[data-testid=side-sell]', 'aria-pressed'), 'true', 'still selling');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });
});
