/**
 * Builds the inline <head> script of lib/earlyFetch.ts (server side, at build time). The URLs are
 * made by the REST client itself, so they are exactly the ones the page will ask for.
 */
import { createApi } from './api';
import { BOOK_SNAPSHOT_LIMIT } from './bookSync';
import { EARLY_GLOBAL } from './earlyFetch';
import { TRADE_PATH_PATTERN } from './market';
import { KEEP_TRADES } from './trades';

const SYMBOL = '__SYMBOL__';

/** Runs in the browser before any bundle: it must reference nothing outside itself. */
function startEarlyRequests(global: string, pathPattern: string, placeholder: string, common: string[], perMarket: string[]): void {
  const match = new RegExp(pathPattern).exec(window.location.pathname);
  const symbol = match && match[1] !== '_' ? match[1] : null;
  const urls = symbol ? common.concat(perMarket.map((u) => u.split(placeholder).join(symbol))) : common;
  const store: Record<string, { at: number; response: Promise<Response> }> = {};
  (window as unknown as Record<string, unknown>)[global] = store;
  for (const url of urls) {
    const response = fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    response.catch(() => undefined);
    store[url] = { at: Date.now(), response };
  }
}

/** The URLs the REST client requests for `calls`, recorded instead of fetched. */
async function urlsOf(calls: (api: ReturnType<typeof createApi>) => Promise<unknown>[]): Promise<string[]> {
  const urls: string[] = [];
  const record = (async (input: RequestInfo | URL) => {
    urls.push(String(input));
    return new Response('null');
  }) as typeof fetch;
  await Promise.allSettled(calls(createApi({ fetch: record })));
  return urls;
}

export async function earlyFetchScript(): Promise<string> {
  const common = await urlsOf((api) => [api.markets()]);
  const perMarket = await urlsOf((api) => [api.depth(SYMBOL, BOOK_SNAPSHOT_LIMIT), api.trades(SYMBOL, KEEP_TRADES), api.ticker(SYMBOL)]);
  const args = [EARLY_GLOBAL, TRADE_PATH_PATTERN, SYMBOL, common, perMarket].map((a) => JSON.stringify(a)).join(',');
  return `(${startEarlyRequests.toString()})(${args});`;
}
