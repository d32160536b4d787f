/** Candle intervals the exchange serves (`/klines` and `kline@M:I`). */
export const INTERVALS = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const;

export type Interval = (typeof INTERVALS)[number];

export const DEFAULT_INTERVAL: Interval = '1m';

const SECONDS: Record<Interval, number> = {
  '1m': 60, '5m': 300, '15m': 900, '30m': 1800, '1h': 3600, '4h': 14_400, '1d': 86_400, '1w': 604_800,
};

export function intervalSeconds(interval: Interval): number {
  return SECONDS[interval];
}

export function isInterval(value: string): value is Interval {
  return (INTERVALS as readonly string[]).includes(value);
}

/** Whether a candle of `interval` lasts a day or more: its time of day says nothing (a UTC midnight). */
export function isDayOrLonger(interval: Interval): boolean {
  return SECONDS[interval] >= SECONDS['1d'];
}
