import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from '@/lib/api';
import { WireError, decodeMarkets, parseJson, plainNumber } from '@/lib/wire';

interface Call { url: string; method: string; body: unknown }

/** A fetch that answers from a table of `METHOD path` -> [status, body text]. */
function fakeFetch(routes: Record<string, [number, string]>) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    calls.push({ url, method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0];
    const route = routes[`${method} ${path}`];
    if (!route) return new Response('{"code":"NOT_FOUND","message":"no route"}', { status: 404 });
    return new Response(route[1], { status: route[0] });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('wire JSON', () => {
  it('keeps the literal text of numbers', () => {
    const v = parseJson('{"a":1000.97,"b":2.920,"c":[1,0.1],"d":"x","e":null,"f":true}') as Record<string, unknown>;
    // With source access (browsers) "2.920" is kept verbatim; elsewhere JS's shortest form "2.92".
    expect(v.a).toBe('1000.97');
    expect(['2.920', '2.92']).toContain(v.b);
    expect(v.c).toEqual(['1', '0.1']);
    expect(v.d).toBe('x');
    expect(v.e).toBeNull();
    expect(v.f).toBe(true);
  });

  it('prints numbers in plain notation', () => {
    expect(plainNumber(1e-7)).toBe('0.0000001');
    expect(plainNumber(1.5e-7)).toBe('0.00000015');
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(-2.5e22)).toBe('-25000000000000000000000');
    expect(plainNumber(1000.97)).toBe('1000.97');
  });
});

describe('REST client', () => {
  it('decodes the Part 1 shapes, numbers as exact decimal strings', async () => {
    const { fetchImpl, calls } = fakeFetch({
      'GET /api/v1/depth': [200, '{"bids":[["1001.46","1.36"]],"asks":[["1010","2.56"]],"lastUpdateId":42}'],
      'GET /api/v1/klines': [200, '[{"close":1007.1,"end":"2025-01-25T08:00:00.000Z","high":1007.1,"low":1007.1,"open":1007.1,"volume":1}]'],
      'GET /api/v1/tickers': [200, '{"startTime":"2025-03-02T18:57:07.356Z","firstPrice":1005.97,"high":1009.22,"low":1000.39,"lastPrice":1005,"volume":2036.24,"priceChange":-0.97,"priceChangePercent":-0.1}'],
      'GET /api/v1/order/open': [200, '[{"price":1000.97,"quantity":2.92,"orderId":"vow8","filled":1.67,"side":"buy","userId":"5"},{"price":999,"quantity":2,"orderId":"vow9","filled":0.5,"remainingQty":1.5,"side":"sell","userId":"5","clientOrderId":"web-1","status":"PARTIALLY_FILLED","time":1740939427000}]'],
      'POST /api/v1/order': [200, '{"orderId":"6rq4","executedQty":6.04,"status":"PARTIALLY_FILLED","remainingQty":1,"clientOrderId":null,"fills":[{"price":"1004.12","qty":1.37,"tradeId":36005,"otherUserId":"5","markerOrderId":"cqbe","isBuyerMaker":true}]}'],
      'DELETE /api/v1/order': [200, '{"orderId":"g5xe","executedQty":7,"remainingQty":2,"status":"CANCELED","clientOrderId":"my-1"}'],
      'POST /api/v1/on-ramp': [200, '{"userId":"5","amount":74298.45}'],
    });
    const api = createApi({ baseUrl: 'http://x', fetch: fetchImpl });

    expect(await api.depth('TATA_INR', 100)).toEqual({ bids: [['1001.46', '1.36']], asks: [['1010', '2.56']], lastUpdateId: 42 });
    expect(calls[0]?.url).toBe('http://x/api/v1/depth?symbol=TATA_INR&limit=100');

    expect(await api.klines('TATA_INR', '1h', 1737564324, 1738169124)).toEqual([
      { time: Date.parse('2025-01-25T08:00:00.000Z') / 1000, open: '1007.1', high: '1007.1', low: '1007.1', close: '1007.1', volume: '1' },
    ]);
    expect(calls[1]?.url).toBe('http://x/api/v1/klines?symbol=TATA_INR&interval=1h&startTime=1737564324&endTime=1738169124');

    const t = await api.ticker('TATA_INR');
    expect(t).toMatchObject({ symbol: 'TATA_INR', lastPrice: '1005', priceChange: '-0.97', priceChangePercent: '-0.1', volume: '2036.24' });

    expect(await api.openOrders('5', 'TATA_INR')).toEqual([
      { orderId: 'vow8', clientOrderId: null, side: 'buy', price: '1000.97', quantity: '2.92', filled: '1.67', remainingQty: null, time: null },
      { orderId: 'vow9', clientOrderId: 'web-1', side: 'sell', price: '999', quantity: '2', filled: '0.5', remainingQty: '1.5', time: 1740939427000 },
    ]);

    const placed = await api.placeOrder({ market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', price: '1000.97', quantity: '2.5' });
    expect(placed).toEqual({
      orderId: '6rq4', status: 'PARTIALLY_FILLED', executedQty: '6.04', remainingQty: '1',
      fills: [{ tradeId: '36005', price: '1004.12', quantity: '1.37', otherUserId: '5', makerOrderId: 'cqbe', isBuyerMaker: true }],
    });
    // Decimals are sent as their text, never through a float; orderType defaults to intraday.
    expect(calls[4]?.body).toEqual({ orderType: 'intraday', market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', price: '1000.97', quantity: '2.5' });

    expect(await api.cancelOrder('g5xe', 'TATA_INR')).toEqual({ orderId: 'g5xe', executedQty: '7', remainingQty: '2', status: 'CANCELED', clientOrderId: 'my-1' });
    expect(calls[5]?.body).toEqual({ orderId: 'g5xe', market: 'TATA_INR' });

    expect(await api.deposit('5', '54767.1', 'INR')).toBe('74298.45');
    expect(calls[6]?.body).toEqual({ userId: '5', amount: '54767.1', asset: 'INR' });
  });

  it('decodes Part 2 shapes', async () => {
    const { fetchImpl } = fakeFetch({
      'GET /api/v1/markets': [200, '[{"symbol":"TATA_INR","baseAsset":"TATA","quoteAsset":"INR","tickSize":"0.01","stepSize":"0.01","minQty":"0.01","minNotional":"1","priceBand":"0.1"}]'],
      'GET /api/v1/balances': [200, '{"TATA":{"available":"10","locked":"0"},"INR":{"available":"9999000.5","locked":"1000"}}'],
      'GET /api/v1/trades': [200, '[{"e":"trade","s":"TATA_INR","t":36005,"p":"1005.50","q":"10.25","m":true,"T":1740939427000}]'],
      'GET /api/v1/orders': [200, '[{"orderId":"a","clientOrderId":null,"market":"TATA_INR","userId":"5","side":"sell","type":"market","timeInForce":"IOC","postOnly":false,"orderType":"intraday","price":null,"quantity":"2","quoteQuantity":null,"executedQty":"1.5","executedQuoteQty":"2250.755","remainingQty":"0","status":"EXPIRED","time":1740939427000},{"orderId":"b","clientOrderId":null,"market":"TATA_INR","userId":"5","side":"buy","type":"limit","timeInForce":"GTC","postOnly":false,"price":"1000","quantity":"1","executedQty":"0","remainingQty":"1","status":"NEW","time":1740939427000}]'],
    });
    const api = createApi({ baseUrl: '', fetch: fetchImpl });
    // An exchange that does not say its assets' precisions (before af2b99f): null, the page falls back.
    expect((await api.markets())[0]).toEqual({ symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01', minQty: '0.01', minNotional: '1', priceBand: '0.1',
      baseAssetPrecision: null, quoteAssetPrecision: null });
    expect(await api.balances('5')).toEqual([
      { asset: 'INR', available: '9999000.5', locked: '1000' },
      { asset: 'TATA', available: '10', locked: '0' },
    ]);
    expect(await api.trades('TATA_INR')).toEqual([{ id: '36005', price: '1005.50', quantity: '10.25', isBuyerMaker: true, time: 1740939427000 }]);
    const [market, older] = await api.orders('5', 'TATA_INR');
    expect(market).toMatchObject({ orderId: 'a', side: 'sell', type: 'market', price: null, status: 'EXPIRED', executedQty: '1.5', executedQuoteQty: '2250.755' });
    // An exchange that does not send executedQuoteQty: unknown, not zero.
    expect(older).toMatchObject({ orderId: 'b', executedQty: '0', executedQuoteQty: null });
  });

  it("decodes the precisions of a market's assets, numbers 0-8, when the exchange sends them", () => {
    const market = (fields: string) => decodeMarkets(parseJson(
      `[{"symbol":"BTC_INR","baseAsset":"BTC","quoteAsset":"INR","tickSize":"1","stepSize":"0.00001","minQty":"0.0001","minNotional":"100","priceBand":"0.1"${fields}}]`))[0];
    expect(market(',"baseAssetPrecision":8,"quoteAssetPrecision":0')).toMatchObject({ baseAssetPrecision: 8, quoteAssetPrecision: 0 });
    expect(market(',"baseAssetPrecision":null')).toMatchObject({ baseAssetPrecision: null, quoteAssetPrecision: null });
    // One that is not a number of decimals the exchange can hold is a broken answer, as any other field.
    for (const bad of ['9', '-1', '2.5', '"two"']) expect(() => market(`,"baseAssetPrecision":${bad}`)).toThrow(WireError);
  });

  it("decodes a user's fills, amounts exactly as sent", async () => {
    const { fetchImpl, calls } = fakeFetch({
      'GET /api/v1/fills': [200, '[{"market":"TATA_INR","tradeId":36005,"orderId":"6bl","side":"buy","price":"1500.5","qty":"2","quoteQty":"3001","isMaker":false,"time":1740939427000},'
        + '{"market":"TATA_INR","tradeId":36004,"orderId":"35t","side":"sell","price":1000.10,"qty":0.1,"quoteQty":"100.01","isMaker":true,"time":1740939426999}]'],
    });
    const api = createApi({ baseUrl: 'http://x', fetch: fetchImpl });
    expect(await api.fills('5', 'TATA_INR')).toEqual([
      { market: 'TATA_INR', tradeId: '36005', orderId: '6bl', side: 'buy', price: '1500.5', quantity: '2', quoteQty: '3001', isMaker: false, time: 1740939427000 },
      // A number's literal text, never a float's ("1000.10" where the engine gives the source).
      { market: 'TATA_INR', tradeId: '36004', orderId: '35t', side: 'sell', price: expect.stringMatching(/^1000\.10?$/), quantity: '0.1', quoteQty: '100.01', isMaker: true, time: 1740939426999 },
    ]);
    expect(calls[0]?.url).toBe('http://x/api/v1/fills?userId=5&market=TATA_INR&limit=50');
    await api.fills('5', 'TATA_INR', 1000);
    expect(calls[1]?.url).toBe('http://x/api/v1/fills?userId=5&market=TATA_INR&limit=1000');

    const bad = fakeFetch({ 'GET /api/v1/fills': [200, '[{"market":"TATA_INR","tradeId":1,"orderId":"a","side":"hold","price":"1","qty":"1","quoteQty":"1","isMaker":false,"time":1}]'] });
    await expect(createApi({ fetch: bad.fetchImpl }).fills('5', 'TATA_INR')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    // An account without deposits: the page treats it as empty (hooks/useAccount.tsx).
    const unknown = fakeFetch({ 'GET /api/v1/fills': [404, '{"code":"UNKNOWN_USER","message":"unknown user 9"}'] });
    await expect(createApi({ fetch: unknown.fetchImpl }).fills('9', 'TATA_INR')).rejects.toMatchObject({ status: 404, code: 'UNKNOWN_USER' });
  });

  it('asks for the page below an order or a trade with `before`, and only when given', async () => {
    const { fetchImpl, calls } = fakeFetch({
      'GET /api/v1/orders': [200, '[]'],
      'GET /api/v1/fills': [200, '[]'],
    });
    const api = createApi({ baseUrl: 'http://x', fetch: fetchImpl });
    expect(await api.orders('5', 'TATA_INR', 50, '6rq4')).toEqual([]);
    expect(await api.fills('5', 'TATA_INR', 50, '36005')).toEqual([]);
    await api.orders('5', 'TATA_INR');
    await api.fills('5', 'TATA_INR', 20);
    expect(calls.map((c) => c.url)).toEqual([
      'http://x/api/v1/orders?userId=5&market=TATA_INR&limit=50&before=6rq4',
      'http://x/api/v1/fills?userId=5&market=TATA_INR&limit=50&before=36005',
      'http://x/api/v1/orders?userId=5&market=TATA_INR&limit=50',
      'http://x/api/v1/fills?userId=5&market=TATA_INR&limit=20',
    ]);
    // A `before` order that does not exist: the API's 404, as an ApiError.
    const gone = fakeFetch({ 'GET /api/v1/orders': [404, '{"code":"UNKNOWN_ORDER","message":"unknown order zz"}'] });
    await expect(createApi({ fetch: gone.fetchImpl }).orders('5', 'TATA_INR', 50, 'zz')).rejects.toMatchObject({ status: 404, code: 'UNKNOWN_ORDER' });
  });

  it('turns error bodies into ApiError with the API message', async () => {
    const { fetchImpl } = fakeFetch({
      'POST /api/v1/order': [422, '{"code":"INSUFFICIENT_FUNDS","message":"Insufficient INR: need 1000, have 5"}'],
      'GET /api/v1/balances': [500, 'oops'],
    });
    const api = createApi({ fetch: fetchImpl });
    const err = await api.placeOrder({ market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', price: '1', quantity: '1000' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'INSUFFICIENT_FUNDS', message: 'Insufficient INR: need 1000, have 5' });
    await expect(api.balances('5')).rejects.toMatchObject({ status: 500, code: 'HTTP_500', message: 'oops' });
    await expect(api.order('zz', 'TATA_INR')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('reports an unreachable exchange and unexpected bodies', async () => {
    const down = createApi({ fetch: (async () => { throw new TypeError('fetch failed'); }) as typeof fetch });
    await expect(down.markets()).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
    const { fetchImpl } = fakeFetch({ 'GET /api/v1/markets': [200, '{"not":"an array"}'] });
    await expect(createApi({ fetch: fetchImpl }).markets()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});
