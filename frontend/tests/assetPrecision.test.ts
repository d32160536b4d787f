import { describe, expect, it } from 'vitest';
import {
  amountDecimals, assetPrecisions, balanceDecimals, formatAssetAmount, formatBalance, formatTradeValue, type MarketAssetsInfo,
} from '@/lib/assetPrecision';

/** RELI_USD: base of 4 decimals traded in steps of 0.1, quote of 0 decimals (whole dollars) at a tick of 0.5. */
const reli: MarketAssetsInfo = { baseAsset: 'RELI', quoteAsset: 'USD', tickSize: '0.5', stepSize: '0.1', baseAssetPrecision: 4, quoteAssetPrecision: 0 };
const tata: MarketAssetsInfo = { baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01', baseAssetPrecision: 2, quoteAssetPrecision: 2 };
/** From an exchange that does not send the precisions. */
const older: MarketAssetsInfo = { ...reli, baseAssetPrecision: null, quoteAssetPrecision: null };

describe('the precision of an asset', () => {
  it('is looked up from every market, base and quote', () => {
    const map = assetPrecisions([reli, tata]);
    expect([...map].sort()).toEqual([['INR', 2], ['RELI', 4], ['TATA', 2], ['USD', 0]]);
    expect(balanceDecimals('RELI', map)).toBe(4);
    expect(balanceDecimals('USD', map)).toBe(0);
  });

  it('keeps the page\'s 2 decimals for a balance of an asset no market names, or when the exchange does not say', () => {
    expect(balanceDecimals('GOLD', assetPrecisions([reli, tata]))).toBe(2);
    expect(assetPrecisions([older]).size).toBe(0);
    expect(balanceDecimals('RELI', assetPrecisions([older]))).toBe(2);
    expect(balanceDecimals('INR', assetPrecisions([]))).toBe(2);
  });

  it('takes the larger of two markets that disagree', () => {
    const map = assetPrecisions([{ ...tata, quoteAssetPrecision: 3 }, tata]);
    expect(map.get('INR')).toBe(3);
  });

  it("is a market asset's, or (older exchange) the tick's for the quote and the step's for the base", () => {
    expect(amountDecimals('RELI', reli)).toBe(4);
    expect(amountDecimals('USD', reli)).toBe(0);
    expect(amountDecimals('RELI', older)).toBe(1);
    expect(amountDecimals('USD', older)).toBe(1);
    expect(amountDecimals('USD', { ...older, tickSize: '1' })).toBe(0);
  });
});

describe('amounts padded to their asset\'s precision, never rounded', () => {
  it('pads balances', () => {
    const map = assetPrecisions([reli, tata]);
    expect(formatBalance('100', 'RELI', map)).toBe('100.0000');
    expect(formatBalance('1234.5', 'TATA', map)).toBe('1,234.50');
    expect(formatBalance('1000', 'USD', map)).toBe('1,000');
    expect(formatBalance('7', 'GOLD', map)).toBe('7.00');
  });

  it('keeps every digit of a value finer than the precision', () => {
    const map = assetPrecisions([reli, tata]);
    expect(formatBalance('0.0001', 'INR', map)).toBe('0.0001');
    expect(formatBalance('12.5', 'USD', map)).toBe('12.5');
    expect(formatBalance('1.123456', 'RELI', map)).toBe('1.123456');
  });

  it('names the asset of a market amount', () => {
    expect(formatAssetAmount('100', 'RELI', reli)).toBe('100.0000 RELI');
    expect(formatAssetAmount('2500', 'USD', reli)).toBe('2,500 USD');
    expect(formatAssetAmount('2500.5', 'USD', reli)).toBe('2,500.5 USD');
    expect(formatAssetAmount('100', 'RELI', older)).toBe('100.0 RELI');
    expect(formatAssetAmount('2500', 'USD', older)).toBe('2,500.0 USD');
  });

  it("gives a trade's value exactly, at least to the quote's precision", () => {
    expect(formatTradeValue('0.01', '0.01', tata)).toBe('0.0001');
    expect(formatTradeValue('1005', '2', tata)).toBe('2,010.00');
    expect(formatTradeValue('100', '0.3', reli)).toBe('30');
    expect(formatTradeValue('100.5', '0.3', reli)).toBe('30.15');
    expect(formatTradeValue('100', '3', older)).toBe('300.0');
  });
});
