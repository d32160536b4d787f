/**
 * The app's view of the exchange's data. Every amount of money (price, quantity, volume, balance)
 * is an exact decimal string (see lib/decimal.ts); times are unix milliseconds. The wire format
 * (field names, numbers vs strings) is known only to lib/api.ts and lib/ws.ts, which decode into
 * these types.
 */

/** An exact decimal, e.g. "1000.97". */
export type Dec = string;

export type Side = 'buy' | 'sell';
export type OrderKind = 'limit' | 'market';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

export interface Market {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  tickSize: Dec;
  stepSize: Dec;
  minQty: Dec;
  minNotional: Dec;
  /** Max fractional deviation of market orders from the last price, e.g. "0.1". */
  priceBand: Dec | null;
  /**
   * The decimals the base and the quote asset allow (0-8), to which the page pads their amounts
   * (lib/assetPrecision.ts); null from an exchange that does not say.
   */
  baseAssetPrecision: number | null;
  quoteAssetPrecision: number | null;
}

export interface Ticker {
  symbol: string;
  lastPrice: Dec;
  firstPrice: Dec;
  high: Dec;
  low: Dec;
  volume: Dec;
  priceChange: Dec;
  priceChangePercent: Dec;
}

/** One aggregated price level: [price, total quantity]. */
export type Level = readonly [price: Dec, quantity: Dec];

export interface DepthSnapshot {
  bids: Level[];
  asks: Level[];
  /** Update id the snapshot is consistent with (null when the server does not send one). */
  lastUpdateId: number | null;
}

export interface DepthDiff {
  market: string;
  /** First and last update ids this event covers. */
  firstId: number;
  lastId: number;
  bids: Level[];
  asks: Level[];
}

export interface PublicTrade {
  id: string;
  price: Dec;
  quantity: Dec;
  /** The taker sold (the buyer was the resting order). */
  isBuyerMaker: boolean;
  time: number;
}

export interface Candle {
  /** Bucket start, unix seconds. */
  time: number;
  open: Dec;
  high: Dec;
  low: Dec;
  close: Dec;
  volume: Dec;
}

export interface OpenOrder {
  orderId: string;
  /** The id its sender gave it (null: none, or an exchange that does not send it). */
  clientOrderId: string | null;
  side: Side;
  price: Dec;
  quantity: Dec;
  filled: Dec;
  /** What is still open, as the exchange reports it (null from an exchange that does not send it). */
  remainingQty: Dec | null;
  /** When it was placed (unix ms), if the exchange says. */
  time: number | null;
}

export interface Order {
  orderId: string;
  clientOrderId: string | null;
  market: string;
  userId: string;
  side: Side;
  type: OrderKind;
  timeInForce: TimeInForce;
  postOnly: boolean;
  price: Dec | null;
  quantity: Dec;
  executedQty: Dec;
  /**
   * Quote paid (buy) or received (sell) so far, exact: the sum of price x quantity of its trades.
   * Null from an exchange that does not report it (then the average price is unknown).
   */
  executedQuoteQty: Dec | null;
  remainingQty: Dec;
  status: OrderStatus;
  time: number;
}

export interface NewOrder {
  market: string;
  userId: string;
  side: Side;
  type: OrderKind;
  price?: Dec;
  quantity?: Dec;
  quoteQuantity?: Dec;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  clientOrderId?: string;
  orderType?: 'intraday' | 'delivery';
}

export interface OrderFill {
  tradeId: string;
  price: Dec;
  quantity: Dec;
  otherUserId: string;
  makerOrderId: string;
  isBuyerMaker: boolean;
}

export interface PlacedOrder {
  orderId: string;
  status: OrderStatus | null;
  executedQty: Dec;
  remainingQty: Dec | null;
  fills: OrderFill[];
}

export interface CanceledOrder {
  orderId: string;
  executedQty: Dec;
  /** What the cancel removed (unfilled). */
  remainingQty: Dec;
  /** `CANCELED` (null from an exchange that does not send it). */
  status: OrderStatus | null;
  clientOrderId: string | null;
}

export interface Balance {
  asset: string;
  available: Dec;
  locked: Dec;
}

/** One side of a trade as seen by one order (the `fills@` stream). */
export interface UserFill {
  market: string;
  tradeId: string;
  orderId: string;
  userId: string;
  price: Dec;
  quantity: Dec;
  /** When this page received it (the event carries no time). */
  receivedAt: number;
}

/** One of the user's trades from `/fills` (storage, so the writer's batch behind the stream). */
export interface Fill {
  market: string;
  tradeId: string;
  /** The user's order that took part in the trade. */
  orderId: string;
  side: Side;
  price: Dec;
  quantity: Dec;
  /** price x quantity, exact. */
  quoteQty: Dec;
  isMaker: boolean;
  /** When the trade happened (unix ms, the exchange's clock). */
  time: number;
}

/**
 * A row of the Fills tab: one of the user's fills, from `/fills` (`stored`) or, until storage has
 * it, from the `fills@` stream. One per (tradeId, orderId).
 */
export interface AccountFill {
  tradeId: string;
  orderId: string;
  /** Null for a stream fill (the event carries no side; the order's side may be known elsewhere). */
  side: Side | null;
  price: Dec;
  quantity: Dec;
  /** Trade time for stored fills, the time the page received it for stream fills (unix ms). */
  time: number;
  stored: boolean;
}

export interface Deposit {
  userId: string;
  asset: string;
  /** Available balance of the asset after the deposit. */
  balance: Dec;
}
