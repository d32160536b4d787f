/**
 * The trading page served through nginx with TLS (deploy/nginx/exchange.conf, started by
 * tests/e2e/nginx.mjs): it loads over https, takes its live data over wss://HOST/ws, and an
 * order placed from its form shows up in the book and in open orders. The certificate is a
 * throwaway one, so the browser context accepts it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNginx } from '../../tests/e2e/nginx.mjs';
import { ensureArtifacts, launchBrowser, rest, seedBook, startExchange, stopExchange, waitFor } from './harness.mjs';

const M = 'TATA_INR';
let ex, proxy, browser, page;

describe('trading page behind nginx with TLS', { timeout: 120_000 }, () => {
  before(async () => {
    ex = await startExchange();
    const api = rest(ex.baseUrl);
    await seedBook(api, M, 1);
    proxy = await startNginx(ex.httpPort);
    browser = await launchBrowser();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e));
  });

  after(async () => {
    await browser?.close();
    await proxy?.stop();
    if (ex) await stopExchange(ex, { removeData: true });
  });

  it('loads over https, goes live over wss, and trades', async () => {
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`https://127.0.0.1:${proxy.tlsPort}/trade/${M}`);
    await waitFor(async () => (await page.getAttribute('[data-testid=connection]', 'data-state')) === 'live',
      { timeout: 15_000, message: 'the connection indicator to show live' });
    assert.ok(sockets.length > 0 && sockets.every((u) => u === `wss://127.0.0.1:${proxy.tlsPort}/ws`), `sockets: ${sockets}`);
    await waitFor(async () => (await page.$$(`[data-testid=book-ask][data-price]`)).length > 0, { message: 'the book' });

    await page.click('[data-testid=side-buy]');
    await page.click('[data-testid=tab-limit]');
    await page.fill('[data-testid=order-price]', '996.50');
    await page.fill('[data-testid=order-quantity]', '1.25');
    await page.click('[data-testid=order-submit]');
    await waitFor(async () => (await page.$$eval('[data-testid=open-order]', (els) => els.map((e) => e.dataset.price)))
      .some((p) => Number(p) === 996.5), { message: 'the order among open orders' });
    await waitFor(async () => (await page.$$eval('[data-testid=book-bid]', (els) => els.map((e) => e.dataset.price)))
      .some((p) => Number(p) === 996.5), { message: 'the order in the book, from a wss depth event' });
    await page.screenshot({ path: path.join(ensureArtifacts(), 'trade-tls.png') });
    assert.deepEqual(page.errors, []);
  });
});
