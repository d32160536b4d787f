/**
 * The wire format of the exchange's public API (shared/API.md): JSON parsing that keeps the exact
 * text of every number, and decoders from the JSON shapes of REST responses and WebSocket events
 * into the app's types (lib/types.ts). Nothing else in the app knows field names or which values
 * arrive as numbers and which as strings.
 */
import { isDecimal } from './decimal';
import type {
  Balance, CanceledOrder, Candle, DepthDiff, DepthSnapshot, Fill, Level, Market, OpenOrder, Order,
  OrderFill, OrderKind, OrderStatus, PlacedOrder, PublicTrade, Side, Ticker, TimeInForce, UserFill,
} from './types';

export class WireError extends Error {
  override name = 'WireError';
}

type Obj = Record<string, unknown>;

/** Writes a JS number in plain decimal notation ("1e-7" -> "0.0000001"), exactly as JS prints it. */
export function plainNumber(n: number): string {
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign = '', int = '', frac = '', expText = '0'] = m;
  const exp = Number(expText);
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * JSON.parse in which every number becomes the string of its literal text ("1000.97" stays
 * "1000.97", never 1000.9700000000000273). Uses the reviver's source text where the engine
 * provides it (current browsers), and JS's shortest round-trip printing elsewhere, which gives the
 * same text for every value with up to 15 significant digits.
 */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' ? (context?.source ?? plainNumber(value)) : value);
}

/**
 * Parses a WebSocket event. Every amount in an event is a JSON string (API.md); the only JSON
 * numbers are integer ids and times, which a double holds exactly, so the plain (much faster)
 * JSON.parse is exact here. Events arrive hundreds of times per second.
 */
export function parseEvent(text: string): unknown {
  return JSON.parse(text);
}

// ---- field access -------------------------------------------------------------------------

function asObj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WireError(`${what}: expected an object`);
  return v as Obj;
}

function asArray(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new WireError(`${what}: expected an array`);
  return v;
}

function pick(o: Obj, keys: readonly string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

function str(o: Obj, ...keys: string[]): string {
  const v = pick(o, keys);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return plainNumber(v);
  throw new WireError(`missing field ${keys[0]}`);
}

function optStr(o: Obj, ...keys: string[]): string | null {
  return pick(o, keys) === undefined ? null : str(o, ...keys);
}

function dec(o: Obj, ...keys: string[]): string {
  const v = str(o, ...keys);
  if (!isDecimal(v)) throw new WireError(`field ${keys[0]} is not a decimal: ${v}`);
  return v;
}

function optDec(o: Obj, ...keys: string[]): string | null {
  return pick(o, keys) === undefined ? null : dec(o, ...keys);
}

function int(o: Obj, ...keys: string[]): number {
  const n = Number(str(o, ...keys));
  if (!Number.isFinite(n)) throw new WireError(`field ${keys[0]} is not a number`);
  return n;
}

/** The most decimals an asset can have: the exchange keeps money in units of 1e-8. */
const MAX_PRECISION = 8;

/** An asset's precision (a whole number of decimals, 0-8), or null when the exchange does not say. */
function optPrecision(o: Obj, key: string): number | null {
  if (pick(o, [key]) === undefined) return null;
  const v = str(o, key);
  if (!/^\d$/.test(v) || Number(v) > MAX_PRECISION) throw new WireError(`field ${key} is not a precision (0-${MAX_PRECISION}): ${v}`);
  return Number(v);
}

function bool(o: Obj, ...keys: string[]): boolean {
  const v = pick(o, keys);
  return v === true || v === 'true';
}

/** A time given as unix ms (number) or ISO-8601 text, as unix ms. */
function time(o: Obj, ...keys: string[]): number {
  const v = pick(o, keys);
  const ms = typeof v === 'string' && !isDecimal(v) ? Date.parse(v) : Number(v);
  if (!Number.isFinite(ms)) throw new WireError(`field ${keys[0]} is not a time`);
  return ms;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new WireError(`field ${field} has unexpected value ${value}`);
}

const SIDES = ['buy', 'sell'] as const;
const KINDS = ['limit', 'market'] as const;
const TIFS = ['GTC', 'IOC', 'FOK'] as const;
const STATUSES = ['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'] as const;

// ---- decoders -----------------------------------------------------------------------------

export function decodeMarkets(v: unknown): Market[] {
  return asArray(v, 'markets').map((item) => {
    const o = asObj(item, 'market');
    return {
      symbol: str(o, 'symbol'),
      baseAsset: str(o, 'baseAsset'),
      quoteAsset: str(o, 'quoteAsset'),
      tickSize: dec(o, 'tickSize'),
      stepSize: dec(o, 'stepSize'),
      minQty: optDec(o, 'minQty') ?? dec(o, 'stepSize'),
      minNotional: optDec(o, 'minNotional') ?? '0',
      priceBand: optDec(o, 'priceBand'),
      // Optional: an older exchange does not send them (lib/assetPrecision.ts falls back).
      baseAssetPrecision: optPrecision(o, 'baseAssetPrecision'),
      quoteAssetPrecision: optPrecision(o, 'quoteAssetPrecision'),
    };
  });
}

export function decodeTicker(v: unknown, symbol?: string): Ticker {
  const o = asObj(v, 'ticker');
  return {
    symbol: optStr(o, 'symbol', 's') ?? symbol ?? '',
    lastPrice: dec(o, 'lastPrice'),
    firstPrice: dec(o, 'firstPrice'),
    high: dec(o, 'high'),
    low: dec(o, 'low'),
    volume: dec(o, 'volume'),
    priceChange: dec(o, 'priceChange'),
    priceChangePercent: dec(o, 'priceChangePercent'),
  };
}

export function decodeTickers(v: unknown): Ticker[] {
  return asArray(v, 'tickers').map((t) => decodeTicker(t));
}

function decodeLevels(v: unknown, what: string): Level[] {
  return asArray(v, what).map((lv) => {
    const pair = asArray(lv, what);
    const [price, qty] = pair;
    if ((typeof price !== 'string' && typeof price !== 'number') || (typeof qty !== 'string' && typeof qty !== 'number')) {
      throw new WireError(`${what}: level is not [price, quantity]`);
    }
    const text = (v: string | number) => (typeof v === 'number' ? plainNumber(v) : v);
    return [text(price), text(qty)] as const;
  });
}

export function decodeDepth(v: unknown): DepthSnapshot {
  const o = asObj(v, 'depth');
  return {
    bids: decodeLevels(o.bids ?? [], 'bids'),
    asks: decodeLevels(o.asks ?? [], 'asks'),
    lastUpdateId: pick(o, ['lastUpdateId']) === undefined ? null : int(o, 'lastUpdateId'),
  };
}

export function decodeDepthEvent(o: Obj): DepthDiff {
  return {
    market: str(o, 's'),
    firstId: int(o, 'U'),
    lastId: int(o, 'u'),
    bids: decodeLevels(o.b ?? [], 'b'),
    asks: decodeLevels(o.a ?? [], 'a'),
  };
}

/** A public trade from `/trades` or the `trade@` stream. */
export function decodeTrade(v: unknown): PublicTrade {
  const o = asObj(v, 'trade');
  return {
    id: str(o, 't', 'id', 'tradeId'),
    price: dec(o, 'p', 'price'),
    quantity: dec(o, 'q', 'qty', 'quantity'),
    isBuyerMaker: bool(o, 'm', 'isBuyerMaker'),
    time: time(o, 'T', 'time', 'timestamp'),
  };
}

export function decodeTrades(v: unknown): PublicTrade[] {
  return asArray(v, 'trades').map(decodeTrade);
}

/** A candle from `/klines` (bucket start in `end`) or the `kline@` stream (in `timestamp`). */
export function decodeCandle(v: unknown): Candle {
  const o = asObj(v, 'kline');
  return {
    time: Math.floor(time(o, 'end', 'timestamp', 'start', 't') / 1000),
    open: dec(o, 'open', 'o'),
    high: dec(o, 'high', 'h'),
    low: dec(o, 'low', 'l'),
    close: dec(o, 'close', 'c'),
    volume: dec(o, 'volume', 'v'),
  };
}

export function decodeCandles(v: unknown): Candle[] {
  return asArray(v, 'klines').map(decodeCandle);
}

export function decodeOpenOrders(v: unknown): OpenOrder[] {
  return asArray(v, 'open orders').map((item) => {
    const o = asObj(item, 'open order');
    return {
      orderId: str(o, 'orderId'),
      clientOrderId: optStr(o, 'clientOrderId'),
      side: oneOf(str(o, 'side'), SIDES, 'side'),
      price: dec(o, 'price'),
      quantity: dec(o, 'quantity'),
      filled: optDec(o, 'filled', 'executedQty') ?? '0',
      remainingQty: optDec(o, 'remainingQty'),
      time: pick(o, ['time']) === undefined ? null : time(o, 'time'),
    };
  });
}

export function decodeOrder(v: unknown): Order {
  const o = asObj(v, 'order');
  return {
    orderId: str(o, 'orderId'),
    clientOrderId: optStr(o, 'clientOrderId'),
    market: str(o, 'market'),
    userId: str(o, 'userId'),
    side: oneOf<Side>(str(o, 'side'), SIDES, 'side'),
    type: oneOf<OrderKind>(optStr(o, 'type') ?? 'limit', KINDS, 'type'),
    timeInForce: oneOf<TimeInForce>(optStr(o, 'timeInForce') ?? 'GTC', TIFS, 'timeInForce'),
    postOnly: bool(o, 'postOnly'),
    price: optDec(o, 'price'),
    quantity: dec(o, 'quantity'),
    executedQty: optDec(o, 'executedQty') ?? '0',
    executedQuoteQty: optDec(o, 'executedQuoteQty'),
    remainingQty: optDec(o, 'remainingQty') ?? '0',
    status: oneOf<OrderStatus>(str(o, 'status'), STATUSES, 'status'),
    time: pick(o, ['time']) === undefined ? 0 : time(o, 'time'),
  };
}

export function decodeOrders(v: unknown): Order[] {
  return asArray(v, 'orders').map(decodeOrder);
}

function decodeOrderFill(v: unknown): OrderFill {
  const o = asObj(v, 'fill');
  return {
    tradeId: str(o, 'tradeId'),
    price: dec(o, 'price'),
    quantity: dec(o, 'qty', 'quantity'),
    otherUserId: optStr(o, 'otherUserId') ?? '',
    makerOrderId: optStr(o, 'markerOrderId', 'makerOrderId') ?? '',
    isBuyerMaker: bool(o, 'isBuyerMaker'),
  };
}

export function decodePlacedOrder(v: unknown): PlacedOrder {
  const o = asObj(v, 'order response');
  const status = optStr(o, 'status');
  return {
    orderId: str(o, 'orderId'),
    status: status === null ? null : oneOf<OrderStatus>(status, STATUSES, 'status'),
    executedQty: optDec(o, 'executedQty') ?? '0',
    remainingQty: optDec(o, 'remainingQty'),
    fills: asArray(o.fills ?? [], 'fills').map(decodeOrderFill),
  };
}

export function decodeCanceledOrder(v: unknown): CanceledOrder {
  const o = asObj(v, 'cancel response');
  const status = optStr(o, 'status');
  return {
    orderId: str(o, 'orderId'),
    executedQty: optDec(o, 'executedQty') ?? '0',
    remainingQty: optDec(o, 'remainingQty') ?? '0',
    status: status === null ? null : oneOf<OrderStatus>(status, STATUSES, 'status'),
    clientOrderId: optStr(o, 'clientOrderId'),
  };
}

export function decodeBalances(v: unknown): Balance[] {
  const o = asObj(v, 'balances');
  return Object.keys(o).sort().map((asset) => {
    const b = asObj(o[asset], `balance ${asset}`);
    return { asset, available: dec(b, 'available'), locked: dec(b, 'locked') };
  });
}

export function decodeDepositBalance(v: unknown): string {
  return dec(asObj(v, 'deposit response'), 'amount');
}

/** The user's trades from `/fills`, newest first as the exchange sends them. */
export function decodeFills(v: unknown): Fill[] {
  return asArray(v, 'fills').map((item) => {
    const o = asObj(item, 'fill');
    return {
      market: str(o, 'market'),
      tradeId: str(o, 'tradeId'),
      orderId: str(o, 'orderId'),
      side: oneOf<Side>(str(o, 'side'), SIDES, 'side'),
      price: dec(o, 'price'),
      quantity: dec(o, 'qty', 'quantity'),
      quoteQty: dec(o, 'quoteQty'),
      isMaker: bool(o, 'isMaker'),
      time: time(o, 'time'),
    };
  });
}

export function decodeFillEvent(o: Obj, receivedAt: number): UserFill {
  return {
    market: str(o, 's'),
    tradeId: str(o, 'tradeId', 't'),
    orderId: str(o, 'orderId'),
    userId: str(o, 'userId'),
    price: dec(o, 'price', 'p'),
    quantity: dec(o, 'quantity', 'q'),
    receivedAt,
  };
}

/** An error body `{"code": "...", "message": "..."}` (null when the body is not one). */
export function decodeErrorBody(v: unknown): { code: string; message: string } | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Obj;
  const nested = typeof o.error === 'object' && o.error !== null ? (o.error as Obj) : o;
  const message = typeof nested.message === 'string' ? nested.message : null;
  const code = typeof nested.code === 'string' || typeof nested.code === 'number' ? String(nested.code) : null;
  return message === null && code === null ? null : { code: code ?? 'ERROR', message: message ?? code ?? '' };
}
