/**
 * Typed client for the exchange's REST API (`/api/v1/...`, shared/API.md). URLs are relative, so
 * the page talks to whichever exchange served it; `NEXT_PUBLIC_API_BASE` points `next dev` at one.
 * Every failure is an ApiError carrying the API's own `code` and `message`.
 */
import type {
  Balance, CanceledOrder, Candle, DepthSnapshot, Fill, Market, NewOrder, OpenOrder, Order, PlacedOrder,
  PublicTrade, Ticker,
} from './types';
import { takeEarlyResponse } from './earlyFetch';
import * as wire from './wire';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the exchange could not be reached. */
    readonly status: number,
    /** The API's error code, e.g. "INSUFFICIENT_FUNDS". */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiOptions {
  /** Prefix of every URL: "" (same origin) or e.g. "http://localhost:3001". */
  baseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined>;

export function apiBaseFromEnv(): string {
  return (process.env.NEXT_PUBLIC_API_BASE ?? '').replace(/\/+$/, '');
}

export function createApi(options: ApiOptions = {}) {
  const baseUrl = options.baseUrl ?? apiBaseFromEnv();
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function request<T>(method: string, path: string, decode: (v: unknown) => T, query?: Query, body?: unknown): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    const url = `${baseUrl}/api/v1/${path}${qs ? `?${qs}` : ''}`;
    let response: Response;
    try {
      // The page's very first requests may already be under way (lib/earlyFetch.ts).
      const early = method === 'GET' ? takeEarlyResponse(url) : null;
      response = await (early ?? doFetch(url, {
        method,
        headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      }));
    } catch (e) {
      const timedOut = e instanceof DOMException && e.name === 'TimeoutError';
      throw new ApiError(0, timedOut ? 'TIMEOUT' : 'NETWORK', timedOut ? 'The exchange did not answer in time' : 'Cannot reach the exchange');
    }
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text ? wire.parseJson(text) : undefined;
    } catch {
      if (response.ok) throw new ApiError(response.status, 'BAD_RESPONSE', `Unreadable response from ${path}`);
    }
    if (!response.ok) {
      const err = wire.decodeErrorBody(json);
      throw new ApiError(response.status, err?.code ?? `HTTP_${response.status}`, err?.message || text || `HTTP ${response.status}`);
    }
    try {
      return decode(json);
    } catch (e) {
      throw new ApiError(response.status, 'BAD_RESPONSE', `Unexpected response from ${path}: ${(e as Error).message}`);
    }
  }

  const ignore = (): void => undefined;

  return {
    markets: (): Promise<Market[]> => request('GET', 'markets', wire.decodeMarkets),
    tickers: (): Promise<Ticker[]> => request('GET', 'tickers', wire.decodeTickers),
    ticker: (symbol: string): Promise<Ticker> => request('GET', 'tickers', (v) => wire.decodeTicker(v, symbol), { symbol }),
    depth: (symbol: string, limit?: number): Promise<DepthSnapshot> => request('GET', 'depth', wire.decodeDepth, { symbol, limit }),
    trades: (symbol: string, limit = 50): Promise<PublicTrade[]> => request('GET', 'trades', wire.decodeTrades, { symbol, limit }),
    /** Candles with bucket start in [startTime, endTime] (unix seconds), oldest first. */
    klines: (symbol: string, interval: string, startTime: number, endTime: number): Promise<Candle[]> =>
      request('GET', 'klines', wire.decodeCandles, { symbol, interval, startTime, endTime }),
    openOrders: (userId: string, market: string): Promise<OpenOrder[]> =>
      request('GET', 'order/open', wire.decodeOpenOrders, { userId, market }),
    /**
     * The user's orders in a market, newest first (by time, then id; `limit` 1-500). With `before`
     * (an order id from the previous page), the page after that order; an empty page is the end.
     */
    orders: (userId: string, market: string, limit = 50, before?: string): Promise<Order[]> =>
      request('GET', 'orders', wire.decodeOrders, { userId, market, limit, before }),
    order: (orderId: string, market: string): Promise<Order> => request('GET', 'order', wire.decodeOrder, { orderId, market }),
    /**
     * The user's order named by its clientOrderId: the open one, else the newest of that name among
     * the user's latest 500 orders in the market (README.md); 404 UNKNOWN_ORDER when there is none.
     */
    orderByClientId: (userId: string, market: string, clientOrderId: string): Promise<Order> =>
      request('GET', 'order', wire.decodeOrder, { clientOrderId, userId, market }),
    placeOrder: (order: NewOrder): Promise<PlacedOrder> =>
      request('POST', 'order', wire.decodePlacedOrder, undefined, { orderType: 'intraday', ...order }),
    cancelOrder: (orderId: string, market: string): Promise<CanceledOrder> =>
      request('DELETE', 'order', wire.decodeCanceledOrder, undefined, { orderId, market }),
    cancelAll: (userId: string, market: string): Promise<void> => request('DELETE', 'orders', ignore, undefined, { market, userId }),
    /**
     * The user's trades in a market, newest first (`limit` 1-1000). From storage: a fill of the
     * last ~250 ms may be on the `fills@` stream and not here yet. With `before` (a trade id), the
     * trades with lower ids; an empty page is the end.
     */
    fills: (userId: string, market: string, limit = 50, before?: string): Promise<Fill[]> =>
      request('GET', 'fills', wire.decodeFills, { userId, market, limit, before }),
    balances: (userId: string): Promise<Balance[]> => request('GET', 'balances', wire.decodeBalances, { userId }),
    /** Deposits `amount` of `asset`; resolves to the asset's available balance afterwards. */
    deposit: (userId: string, amount: string, asset: string): Promise<string> =>
      request('POST', 'on-ramp', wire.decodeDepositBalance, undefined, { userId, amount, asset }),
  };
}

export type Api = ReturnType<typeof createApi>;

/** The page's client: same origin as the page (or NEXT_PUBLIC_API_BASE). */
export const api: Api = createApi();

/** Text for an error shown to a person: the API's message, prefixed by its code when useful. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message || e.code;
  return e instanceof Error ? e.message : String(e);
}
