/**
 * Browser tests of amounts at their asset's precision (`/markets`: baseAssetPrecision,
 * quoteAssetPrecision) against the real exchange, started with assets of their own: GOLD of 4
 * decimals traded in steps of 0.1 against USD of none at a tick of 1; INR of 2 (named by TATA_INR
 * only) and SILVER of 3, which no market names (the page's 2 decimals). Deposits, balances, the
 * market's assets, the order form's available and totals, refusals and fills; a trade's value
 * finer than the precision keeps its digits. A deposit finer than its asset's precision is refused
 * at the input and not sent (a valid one still goes); from an exchange that does not send the
 * precisions (played by rewriting its /markets answer) it is sent and the exchange's refusal shown.
 * Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureArtifacts, launchBrowser, norm, openPage, openTrade, rest, sleep, startExchange, stopExchange, typeIn, waitFor, waitLive } from './harness.mjs';

const shots = ensureArtifacts();
const M = 'GOLD_USD';
const USER = 'precise1';

const CONFIG = [
  ...[['GOLD', 4], ['USD', 0], ['TATA', 2], ['INR', 2], ['SILVER', 3]]
    .map(([name, decimals]) => `[[assets]]\nname = "${name}"\ndecimals = ${decimals}\n`),
  `[[markets]]
id = 1
base = "GOLD"
quote = "USD"
tick_size = "1"
step_size = "0.1"
min_qty = "0.1"
min_notional = "1"
price_band = "0.1"
`,
  `[[markets]]
id = 2
base = "TATA"
quote = "INR"
tick_size = "0.01"
step_size = "0.01"
min_qty = "0.01"
min_notional = "1"
price_band = "0.1"
`,
].join('');

let ex, api, browser, page, configDir;

/** The cells of the balances tab's row of `asset`: [asset, available, in orders, total] (the asset's name without its icon). */
const balanceRow = (asset) => page.$$eval(`[data-testid=balance-${asset}] td`, (tds) => tds.map((td) => td.lastChild.textContent.trim()));
/** The market assets panel: asset -> [total, "x in orders"]. */
const marketAssets = () => page.$$eval('[data-testid=market-assets] .market-asset', (rows) => Object.fromEntries(rows.map((r) => {
  const num = r.querySelector('.num');
  return [r.firstElementChild.lastChild.textContent.trim(), [num.firstChild.textContent.trim(), num.querySelector('.small-line')?.textContent.trim() ?? '']];
})));
const toasts = () => page.$$eval('[data-testid=toast]', (els) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
const text = (testId) => page.textContent(`[data-testid=${testId}]`).catch(() => null);

async function deposit(asset, amount) {
  await page.selectOption('[data-testid=deposit-asset]', asset);
  await typeIn(page, 'deposit-amount', amount);
  await page.press('[data-testid=deposit-amount]', 'Enter');
  await waitFor(async () => (await text('deposit-message'))?.startsWith(`Deposited. Available ${asset}`), { message: `the deposit of ${amount} ${asset}` });
  return text('deposit-message');
}

/** The form's refusal, which starts with `start`. */
async function expectRefusal(start) {
  const shown = () => page.textContent('[data-testid=order-error] .error-message').catch(() => null);
  await waitFor(async () => (await shown())?.startsWith(start), { message: `the refusal "${start}"` }).catch(async (e) => {
    throw new Error(`${e.message}; shown: ${await shown()}`);
  });
}

/** The amounts of the deposits page `p` sends (POST /api/v1/on-ramp), as sent, from now on. */
function depositsSent(p) {
  const sent = [];
  p.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/on-ramp') sent.push(`${r.postDataJSON().amount} ${r.postDataJSON().asset}`);
  });
  return sent;
}

/** The text of `testId` on page `p` now, or null when it is not there (not waiting for it). */
const textNow = async (p, testId) => (await p.$(`[data-testid=${testId}]`))?.textContent() ?? null;

/**
 * Types `amount` of `asset` into page `p`'s deposit form and submits it both ways (Enter, the
 * button): the field says `message` under itself, marked invalid, and the form says nothing more.
 */
async function refusedAtInput(p, asset, amount, message) {
  const shown = () => textNow(p, 'deposit-amount-error');
  await p.selectOption('[data-testid=deposit-asset]', asset);
  await typeIn(p, 'deposit-amount', amount);
  await waitFor(async () => (await shown()) === message, { message: `"${message}" under the amount` }).catch(async (e) => {
    throw new Error(`${e.message}; shown: ${await shown()}; the form's message: ${await textNow(p, 'deposit-message')}`);
  });
  assert.equal(await p.getAttribute('[data-testid=deposit-amount]', 'aria-invalid'), 'true');
  await p.press('[data-testid=deposit-amount]', 'Enter');
  await p.click('[data-testid=deposit-submit]');
  await sleep(300);
  assert.equal(await shown(), message, 'still said after submitting');
  assert.equal(await p.locator('[data-testid=deposit-message]').count(), 0, 'not said a second time by the form');
  assert.equal(await p.evaluate(() => document.activeElement?.dataset.testid), 'deposit-amount', 'the amount focused');
}

async function limitOrder(side, price, quantity) {
  await page.click(`[data-testid=side-${side}]`);
  await page.click('[data-testid=tab-limit]');
  await typeIn(page, 'order-price', price);
  await typeIn(page, 'order-quantity', quantity);
}

describe("amounts at their asset's precision", { timeout: 180_000 }, () => {
  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'exchange-e2e-config-'));
    writeFileSync(path.join(configDir, 'exchange.toml'), CONFIG);
    ex = await startExchange({ args: ['--config', path.join(configDir, 'exchange.toml')] });
    api = rest(ex.baseUrl);
    // A last price of 100 USD, an ask at 105 and a bid of 2 at 95 (users 1 and 2, funded by --demo).
    await api.placeOrder({ market: M, side: 'sell', price: '100', quantity: '1', userId: '1' });
    await api.placeOrder({ market: M, side: 'buy', price: '100', quantity: '1', userId: '2' });
    await api.placeOrder({ market: M, side: 'sell', price: '105', quantity: '1', userId: '1' });
    await api.placeOrder({ market: M, side: 'buy', price: '95', quantity: '2', userId: '2' });
    // An ask on TATA_INR, for a page of its own (deposits of INR).
    await api.placeOrder({ market: 'TATA_INR', side: 'sell', price: '100', quantity: '1', userId: '1' });
    // Assets this page's market does not trade: INR (another market's, 2 decimals) and SILVER (none's).
    for (const [asset, amount] of [['INR', '12'], ['SILVER', '7.5']]) {
      assert.equal((await api.call('POST', 'on-ramp', { userId: USER, amount, asset })).status, 200);
    }
    browser = await launchBrowser();
    page = await openTrade(browser, ex.baseUrl, M, { user: USER });
  });

  after(async () => {
    await browser?.close();
    if (ex) await stopExchange(ex, { removeData: true });
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('pads deposits, balances, the market assets and the order form to each asset\'s precision', async () => {
    await page.click('[data-testid=tab-balances]');
    assert.equal(await deposit('GOLD', '100'), 'Deposited. Available GOLD: 100.0000');
    assert.equal(await deposit('USD', '1000'), 'Deposited. Available USD: 1,000');
    await waitFor(async () => (await toasts()).includes('Deposited 1,000 USD'), { message: 'the deposit toast' });
    assert.ok((await toasts()).includes('Deposited 100.0000 GOLD'), `the deposit toasts: ${JSON.stringify(await toasts())}`);

    await waitFor(async () => (await balanceRow('GOLD'))[1] === '100.0000', { message: 'the GOLD balance at 4 decimals' });
    assert.deepEqual(await balanceRow('GOLD'), ['GOLD', '100.0000', '0.0000', '100.0000']);
    assert.deepEqual(await balanceRow('USD'), ['USD', '1,000', '0', '1,000']);
    assert.deepEqual(await balanceRow('INR'), ['INR', '12.00', '0.00', '12.00'], "another market's asset");
    assert.deepEqual(await balanceRow('SILVER'), ['SILVER', '7.50', '0.00', '7.50'], 'an asset no market names: 2 decimals');
    assert.deepEqual(await marketAssets(), { GOLD: ['100.0000', '0.0000 in orders'], USD: ['1,000', '0 in orders'] });

    await limitOrder('buy', '101', '0.5');
    assert.equal(await text('available'), '1,000 USD');
    // 101 x 0.5: a total finer than USD's precision keeps its digits.
    assert.equal(await text('order-total'), '50.5 USD');
    await typeIn(page, 'order-quantity', '2');
    assert.equal(await text('order-total'), '202 USD');
    await page.click('[data-testid=side-sell]');
    assert.equal(await text('available'), '100.0000 GOLD');
    // A market buy's estimate from the ask at 105.
    await page.click('[data-testid=side-buy]');
    await page.click('[data-testid=tab-market]');
    await typeIn(page, 'order-quantity', '1');
    await waitFor(async () => (await text('order-total')) === '≈ 105 USD', { message: `the estimate (${await text('order-total')})` });
    await page.screenshot({ path: path.join(shots, 'asset-precision-form.png') });
    assert.deepEqual(page.errors, []);
  });

  it('keeps every digit of a trade\'s value, in the fills and the balances, and says refusals at the precision', async () => {
    // Sold 0.5 to the bid at 95: 47.5 USD, finer than USD's precision.
    await limitOrder('sell', '95', '0.5');
    assert.equal(await text('order-total'), '47.5 USD');
    await page.click('[data-testid=order-submit]');
    await page.click('[data-testid=tab-fills]');
    await waitFor(async () => (await page.$$('[data-testid=fill-row]')).length === 1, { message: 'the fill' });
    const cells = await page.$$eval('[data-testid=fill-row] td', (tds) => tds.map((td) => td.textContent.trim()));
    assert.deepEqual(cells.slice(2, 5), ['95', '0.5', '47.5']);

    await page.click('[data-testid=tab-balances]');
    await waitFor(async () => (await balanceRow('USD'))[1] === '1,047.5', { message: `the USD balance after the sale (${(await balanceRow('USD'))[1]})` });
    assert.deepEqual(await balanceRow('GOLD'), ['GOLD', '99.5000', '0.0000', '99.5000']);
    assert.deepEqual(await marketAssets(), { GOLD: ['99.5000', '0.0000 in orders'], USD: ['1,047.5', '0 in orders'] });

    // Orders beyond the balance, said at the assets' precisions and not sent.
    await limitOrder('sell', '95', '200');
    await page.click('[data-testid=order-submit]');
    await expectRefusal('Not enough GOLD: this order needs 200.0000 GOLD and 99.5000 GOLD is available.');
    await limitOrder('buy', '101', '100');
    assert.equal(await text('available'), '1,047.5 USD');
    await page.click('[data-testid=order-submit]');
    await expectRefusal('Not enough USD: this order needs 10,100 USD and 1,047.5 USD is available.');
    assert.deepEqual(await api.openOrders(USER, M), [], 'neither was sent');
    await page.screenshot({ path: path.join(shots, 'asset-precision-balances.png') });
    assert.deepEqual(page.errors, []);
  });

  it("refuses a deposit finer than its asset's precision at the input and sends nothing; a valid one still goes", async () => {
    await page.click('[data-testid=tab-balances]');
    const sent = depositsSent(page);
    const before = await api.balances(USER);
    await refusedAtInput(page, 'USD', '2.5', 'USD allows whole amounts only');
    await refusedAtInput(page, 'GOLD', '1.00005', 'GOLD allows at most 4 decimals');
    // The same amount is judged again for the asset picked: 2.5 GOLD is fine, 2.5 USD is not.
    await typeIn(page, 'deposit-amount', '2.5');
    assert.equal(await page.locator('[data-testid=deposit-amount-error]').count(), 0, '2.5 GOLD allowed');
    await page.selectOption('[data-testid=deposit-asset]', 'USD');
    await waitFor(async () => (await textNow(page, 'deposit-amount-error')) === 'USD allows whole amounts only', { message: 'USD picked: refused' });
    await page.screenshot({ path: path.join(shots, 'asset-precision-deposit-refused.png') });
    // Another market's asset, INR of 2 decimals, on that market's page.
    const inrPage = await openTrade(browser, ex.baseUrl, 'TATA_INR', { user: USER });
    try {
      await inrPage.click('[data-testid=tab-balances]');
      const inrSent = depositsSent(inrPage);
      await refusedAtInput(inrPage, 'INR', '1.005', 'INR allows at most 2 decimals');
      assert.deepEqual(inrSent, []);
      assert.deepEqual(inrPage.errors, []);
    } finally {
      await inrPage.close();
    }
    await sleep(500);
    assert.deepEqual(sent, [], 'nothing sent');
    assert.deepEqual(await api.balances(USER), before, 'the balances unchanged');
    assert.deepEqual(await balanceRow('USD'), ['USD', '1,047.5', '0', '1,047.5']);
    assert.deepEqual(await balanceRow('GOLD'), ['GOLD', '99.5000', '0.0000', '99.5000']);

    // Valid amounts still go: trailing zeros beyond the precision are no decimals (the exchange's count).
    assert.equal(await deposit('GOLD', '0.12340'), 'Deposited. Available GOLD: 99.6234');
    assert.equal(await page.locator('[data-testid=deposit-amount-error]').count(), 0);
    assert.equal(await deposit('USD', '3'), 'Deposited. Available USD: 1,050.5');
    assert.deepEqual(sent, ['0.1234 GOLD', '3 USD']);
    assert.equal(norm((await api.balances(USER)).GOLD.available), '99.6234');
    assert.deepEqual(page.errors, []);
  });

  it('sends a deposit of any decimals when the exchange does not say the precisions, and shows its refusal', async () => {
    // An older exchange: /markets without baseAssetPrecision and quoteAssetPrecision.
    const older = await openPage(browser);
    try {
      await older.route('**/api/v1/markets*', async (route) => {
        const answer = await route.fetch();
        const markets = await answer.json();
        for (const m of markets) { delete m.baseAssetPrecision; delete m.quoteAssetPrecision; }
        await route.fulfill({ response: answer, json: markets });
      });
      await older.context().addInitScript((u) => localStorage.setItem('exchange.userId', u), USER);
      await older.goto(`${ex.baseUrl}/trade/${M}`);
      await older.waitForSelector(`[data-testid=trade-view][data-market=${M}]`);
      await waitLive(older);
      await older.click('[data-testid=tab-balances]');
      // No precisions known: balances at the page's 2 decimals (lib/assetPrecision.ts).
      const usdRow = () => older.$$eval('[data-testid=balance-USD] td', (tds) => tds.map((td) => td.lastChild.textContent.trim()));
      await waitFor(async () => /^[\d,]+\.\d\d$/.test((await usdRow())[1] ?? ''), { message: `the USD balance at 2 decimals (${(await usdRow())[1]})` });
      const sent = depositsSent(older);
      const before = await api.balances(USER);
      await older.selectOption('[data-testid=deposit-asset]', 'USD');
      await typeIn(older, 'deposit-amount', '2.5');
      assert.equal(await older.locator('[data-testid=deposit-amount-error]').count(), 0, 'not refused at the input');
      await older.press('[data-testid=deposit-amount]', 'Enter');
      const message = () => textNow(older, 'deposit-message');
      await waitFor(async () => /more than 0 decimals/.test((await message()) ?? ''), { message: "the exchange's refusal" }).catch(async (e) => {
        throw new Error(`${e.message}; shown: ${await message()}`);
      });
      assert.deepEqual(sent, ['2.5 USD']);
      assert.deepEqual(await api.balances(USER), before, 'refused by the exchange');
      assert.deepEqual(older.errors, []);
    } finally {
      await older.close();
    }
  });
});
