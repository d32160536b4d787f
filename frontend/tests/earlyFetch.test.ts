import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '@/lib/api';
import { EARLY_GLOBAL, takeEarlyResponse } from '@/lib/earlyFetch';
import { earlyFetchScript } from '@/lib/earlyFetchScript';

const g = globalThis as unknown as Record<string, unknown>;

afterEach(() => {
  delete g.window;
  vi.restoreAllMocks();
});

/** Runs the inline script as the browser would, at `pathname`, with a fetch that records URLs. */
async function runScript(pathname: string): Promise<string[]> {
  const fetched: string[] = [];
  g.window = { location: { pathname } };
  vi.stubGlobal('fetch', (url: string) => { fetched.push(url); return Promise.resolve(new Response('[]')); });
  new Function('window', await earlyFetchScript())(g.window);
  return fetched;
}

describe('early first-load requests', () => {
  it('requests on a trade page exactly the URLs the REST client asks for', async () => {
    const fetched = await runScript('/trade/TATA_INR');
    expect(fetched).toEqual([
      '/api/v1/markets',
      '/api/v1/depth?symbol=TATA_INR&limit=1000',
      '/api/v1/trades?symbol=TATA_INR&limit=50',
      '/api/v1/tickers?symbol=TATA_INR',
    ]);
    expect(await runScript('/')).toEqual(['/api/v1/markets']);
    expect(await runScript('/trade/_')).toEqual(['/api/v1/markets']);
  });

  it('hands an early response to the REST client once', async () => {
    await runScript('/trade/TATA_INR');
    const store = (g.window as Record<string, Record<string, unknown>>)[EARLY_GLOBAL];
    expect(Object.keys(store ?? {})).toHaveLength(4);
    const network = vi.fn(async () => new Response('[{"symbol":"X_Y","baseAsset":"X","quoteAsset":"Y","tickSize":"1","stepSize":"1"}]'));
    const api = createApi({ fetch: network as unknown as typeof fetch });
    // The early answer for /markets was "[]"; the second call goes to the network.
    expect(await api.markets()).toEqual([]);
    expect(network).not.toHaveBeenCalled();
    expect((await api.markets())[0]?.symbol).toBe('X_Y');
    expect(network).toHaveBeenCalledTimes(1);
    expect(takeEarlyResponse('/api/v1/nothing')).toBeNull();
  });
});
