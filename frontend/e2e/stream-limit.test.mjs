/**
 * Browser tests of the page against an exchange that refuses some of its WebSocket streams: one
 * started with a small --max-streams-per-connection, which answers a SUBSCRIBE past it with
 * TOO_MANY_STREAMS, all of its streams or none (net/ws_session.cpp). The trade view's own streams
 * (book, trades, ticker, fills, candles: 5) go in a SUBSCRIBE of their own, before the market
 * menu's tickers, and are never starved by them, also after a reconnect with the menu open; what
 * is not subscribed is said (the connection badge "Partly live", a panel "not live"), never shown
 * as live (lib/ws.ts). On the markets list, the tickers that fit are live.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureArtifacts, launchBrowser, norm, openPage, openTrade, rest, seedBook, sleep, startExchange, stopExchange, waitFor,
} from './harness.mjs';

const shots = ensureArtifacts();
const M = 'TATA_INR';
// Six markets: the menu of TATA's trade view adds five tickers to its five streams.
const BASES = ['TATA', 'INFY', 'WIPRO', 'ITC', 'HDFC', 'SBIN'];
const CONFIG = [
  ...[...BASES, 'INR'].map((name) => `[[assets]]\nname = "${name}"\ndecimals = 2\n`),
  ...BASES.map((base, i) => `[[markets]]\nid = ${i + 1}\nbase = "${base}"\nquote = "INR"\ntick_size = "0.01"\nstep_size = "0.01"\n`
    + 'min_qty = "0.01"\nmin_notional = "1"\nprice_band = "0.1"\n'),
].join('');

let configDir, browser;

/** The connection badge: its state ("live", "partial"...) and the streams it says are not subscribed. */
const badge = async (p) => ({
  state: await p.getAttribute('[data-testid=connection]', 'data-state'),
  unsubscribed: ((await p.getAttribute('[data-testid=connection]', 'data-unsubscribed')) ?? '').split(' ').filter(Boolean).sort(),
});
const bookBids = async (p) => (await p.$$eval('[data-testid=book-bid]', (els) => els.map((e) => e.dataset.price))).map(norm);

/** A bid from user 2 at `price`, and the page's book shows it: the book's stream is live. */
async function bookFollows(p, api, price) {
  await api.placeOrder({ market: M, side: 'buy', price, quantity: '1', userId: '2' });
  await waitFor(async () => (await bookBids(p)).includes(norm(price)), { message: `the bid at ${price} in the book (live)` });
}

async function exchangeWithLimit(limit) {
  const ex = await startExchange({ args: ['--config', path.join(configDir, 'exchange.toml'), '--max-streams-per-connection', String(limit)] });
  const api = rest(ex.baseUrl);
  await seedBook(api, M, 4);
  return { ex, api };
}

describe('streams the exchange refuses', { timeout: 180_000 }, () => {
  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'exchange-e2e-config-'));
    writeFileSync(path.join(configDir, 'exchange.toml'), CONFIG);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it("keeps the book live when the market menu's tickers pass the limit, and says what is not", async () => {
    // Room for the trade view's 5 streams and 2 of the menu's 5 tickers.
    let { ex, api } = await exchangeWithLimit(7);
    try {
      const p = await openTrade(browser, ex.baseUrl, M);
      assert.equal((await badge(p)).state, 'live');
      await p.click('[data-testid=market-switcher]');
      await p.waitForSelector('[data-testid=market-menu]');
      // The menu's tickers that do not fit wait, and the badge says so: not "Live".
      await waitFor(async () => (await badge(p)).state === 'partial', { message: 'the badge to say partly live' });
      const { unsubscribed } = await badge(p);
      assert.equal(unsubscribed.length, 3, `three of the five tickers wait: ${unsubscribed}`);
      assert.ok(unsubscribed.every((s) => s.startsWith('ticker@') && s !== `ticker@${M}`), `only the menu's tickers: ${unsubscribed}`);
      assert.match(await p.getAttribute('[data-testid=connection]', 'title'), /do not fit the connection's limit \(at most 7 streams per connection\)/);
      assert.equal(await p.textContent('[data-testid=connection]'), 'Partly live');
      await p.screenshot({ path: path.join(shots, 'streams-partly-live.png') });
      // The book's stream is not among them: it follows the exchange.
      assert.notEqual(await p.getAttribute('[data-testid=book-state]', 'data-state'), 'not-live');
      await bookFollows(p, api, '991.11');

      // Reconnecting with the menu open: the book's streams are asked for first, on their own,
      // and are not refused with the tickers.
      const { httpPort, wsPort, dataDir, args } = ex;
      await stopExchange(ex, { signal: 'SIGKILL' });
      await waitFor(async () => (await badge(p)).state === 'reconnecting', { message: 'the connection lost' });
      await sleep(500);
      ex = await startExchange({ httpPort, wsPort, dataDir, args });
      api = rest(ex.baseUrl);
      await waitFor(async () => (await badge(p)).state === 'partial', { timeout: 20_000, message: 'connected again, partly live' });
      assert.equal((await badge(p)).unsubscribed.length, 3);
      await bookFollows(p, api, '991.22');
      await waitFor(async () => (await p.$$('[data-testid=trade-row]')).length > 0, { message: 'the trades' });
      assert.equal(await p.locator('[data-testid=trades-state]').count(), 0, 'the trades are live');

      // The menu closes: its tickers go, everything the page shows is live.
      await p.keyboard.press('Escape');
      await waitFor(async () => (await badge(p)).state === 'live', { message: 'live once the menu is closed' });
      await bookFollows(p, api, '991.33');
      assert.deepEqual(p.errors, []);
      await p.close();
    } finally {
      await stopExchange(ex, { removeData: true });
    }
  });

  it("subscribes the book's stream first when not even the trade view's streams fit, and says which are not live", async () => {
    const { ex, api } = await exchangeWithLimit(1);
    try {
      const p = await openPage(browser);
      await p.goto(`${ex.baseUrl}/trade/${M}`);
      await p.waitForSelector('[data-testid=book-bid]');
      // The chart's stream comes last (after the book and the trades are shown).
      await waitFor(async () => (await badge(p)).unsubscribed.length === 4, { message: 'four streams not subscribed' });
      const { state, unsubscribed } = await badge(p);
      assert.equal(state, 'partial');
      assert.deepEqual(unsubscribed, [`fills@${M}`, `kline@${M}:1m`, `ticker@${M}`, `trade@${M}`].sort());
      // The trades are their first load, frozen: the panel says so.
      const note = p.locator('[data-testid=trades-state]');
      await note.waitFor();
      assert.equal((await note.textContent()).trim(), 'not live');
      assert.equal(await note.getAttribute('data-code'), 'TOO_MANY_STREAMS');
      assert.equal(await p.getAttribute('[data-testid=book-state]', 'data-state'), 'synced');
      await bookFollows(p, api, '992.22');
      await p.screenshot({ path: path.join(shots, 'streams-book-only.png') });
      assert.deepEqual(p.errors, []);
      await p.close();
    } finally {
      await stopExchange(ex, { removeData: true });
    }
  });

  it('keeps the tickers that fit live on the markets list, and says that the others are not', async () => {
    const { ex, api } = await exchangeWithLimit(4);
    try {
      const p = await openPage(browser);
      await p.goto(`${ex.baseUrl}/`);
      await p.waitForSelector(`[data-testid=market-${M}]`);
      await waitFor(async () => (await badge(p)).state === 'partial', { message: 'partly live' });
      const { unsubscribed } = await badge(p);
      assert.equal(unsubscribed.length, 2, `two of six tickers wait: ${unsubscribed}`);
      // A trade on a market whose ticker is live shows on the list.
      const live = BASES.map((b) => `${b}_INR`).find((m) => !unsubscribed.includes(`ticker@${m}`) && m !== M);
      await api.placeOrder({ market: live, side: 'sell', price: '500.00', quantity: '1', userId: '1' });
      await api.placeOrder({ market: live, side: 'buy', price: '500.00', quantity: '1', userId: '2' });
      await waitFor(async () => norm(await p.textContent(`[data-testid=market-${live}] [data-testid=market-last]`).catch(() => '')) === '500',
        { message: `the live last price of ${live}` });
      assert.deepEqual(p.errors, []);
      await p.close();
    } finally {
      await stopExchange(ex, { removeData: true });
    }
  });
});
