/**
 * How many decimals an asset's amounts are shown with: the precision the exchange gives each asset
 * (`/markets`: `baseAssetPrecision`, `quoteAssetPrecision`), to which amounts are padded, never
 * rounded (lib/format.ts: a trade's value, price x quantity, may carry more and keeps them).
 * An exchange that does not send the precisions gets what the page showed before it did.
 */
import { decimalsOf, mul } from './decimal';
import { formatAmount } from './format';
import type { Dec, Market } from './types';

/** The two assets of a market and what the page knows of their decimals. */
export type MarketAssetsInfo = Pick<Market, 'baseAsset' | 'quoteAsset' | 'tickSize' | 'stepSize' | 'baseAssetPrecision' | 'quoteAssetPrecision'>;

/** A balance of an asset whose precision is not known (no market names it, or the exchange does not say). */
export const BALANCE_FALLBACK_DECIMALS = 2;

/** The precision the exchange gives `asset` in `market`; null when it is not one of its assets or the exchange does not say. */
export function precisionIn(asset: string, market: MarketAssetsInfo): number | null {
  if (asset === market.quoteAsset) return market.quoteAssetPrecision;
  if (asset === market.baseAsset) return market.baseAssetPrecision;
  return null;
}

/**
 * Asset -> precision, from every market that says. An asset has one precision on the exchange;
 * should two markets ever disagree, the larger wins, so that no amount shows fewer decimals than
 * its asset allows.
 */
export function assetPrecisions(markets: readonly MarketAssetsInfo[]): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  const note = (asset: string, precision: number | null) => {
    if (precision !== null) map.set(asset, Math.max(precision, map.get(asset) ?? 0));
  };
  for (const m of markets) {
    note(m.baseAsset, m.baseAssetPrecision);
    note(m.quoteAsset, m.quoteAssetPrecision);
  }
  return map;
}

/** The decimals of a balance of `asset` (balances tab, market assets panel, deposits). */
export function balanceDecimals(asset: string, precisions: ReadonlyMap<string, number>): number {
  return precisions.get(asset) ?? BALANCE_FALLBACK_DECIMALS;
}

/**
 * The decimals of an amount of one of `market`'s assets in its trading (the order form's available
 * and total, the book walk's total, fills' totals, refusals): the asset's precision, or, from an
 * exchange that does not say, the tick's decimals for the quote asset and the step's for the base.
 */
export function amountDecimals(asset: string, market: MarketAssetsInfo): number {
  return precisionIn(asset, market) ?? decimalsOf(asset === market.quoteAsset ? market.tickSize : market.stepSize);
}

/** `amountDecimals` of the market's quote asset: totals, values of trades. */
export function quoteDecimals(market: MarketAssetsInfo): number {
  return amountDecimals(market.quoteAsset, market);
}

/** A balance of `asset` at its precision, grouped: "100.0000". */
export function formatBalance(value: Dec, asset: string, precisions: ReadonlyMap<string, number>): string {
  return formatAmount(value, balanceDecimals(asset, precisions));
}

/** An amount of one of `market`'s assets at its precision, with its name: "1,000.50 INR". */
export function formatAssetAmount(value: Dec, asset: string, market: MarketAssetsInfo): string {
  return `${formatAmount(value, amountDecimals(asset, market))} ${asset}`;
}

/** A trade's value, price x quantity, exactly: the quote asset's precision or more (0.01 x 0.01 is "0.0001"). */
export function formatTradeValue(price: Dec, quantity: Dec, market: MarketAssetsInfo): string {
  return formatAmount(mul(price, quantity), quoteDecimals(market));
}
