import { describe, expect, it } from 'vitest';
import { averagePrice, averageTitle } from '@/lib/averagePrice';
import type { Market, Side } from '@/lib/types';

/**
 * Rule under test (lib/averagePrice.ts): average = executedQuoteQty / executedQty exactly, then to
 * a multiple of the tick against the user: a buy rounds UP, a sell DOWN; exact ticks stay exact.
 */
const avg = (side: Side, executedQty: string, executedQuoteQty: string | null, tick = '0.01') =>
  averagePrice({ side, executedQty, executedQuoteQty }, tick);

describe('averagePrice', () => {
  it('is exact when the average falls on a tick', () => {
    expect(avg('sell', '2', '3001')).toBe('1500.5');
    expect(avg('buy', '2', '3001')).toBe('1500.5');
    expect(avg('buy', '3', '3016')).toBe('1005.34'); // 1005.333... (2 @ 1005 + 1 @ 1006)
    expect(avg('buy', '1.5', '1496.25')).toBe('997.5');
  });

  it("rounds a buy's average up and a sell's down to the tick", () => {
    // 1 @ 1500.50 + 0.5 @ 1500.51 = 2250.755 for 1.5: 1500.50333...
    expect(avg('buy', '1.5', '2250.755')).toBe('1500.51');
    expect(avg('sell', '1.5', '2250.755')).toBe('1500.5');
    // 3 @ 1499 + 1 @ 1498.99 = 5995.99 for 4: 1498.9975 (a half-up rounding would say 1499.00).
    expect(avg('sell', '4', '5995.99')).toBe('1498.99');
    expect(avg('buy', '4', '5995.99')).toBe('1499');
  });

  it('rounds up even when the excess is far below the displayed decimals', () => {
    // 1000.00000001 for 1: just above 1000, so a buyer paid more than 1000.00 on average.
    expect(avg('buy', '1', '1000.00000001')).toBe('1000.01');
    expect(avg('sell', '1', '1000.00000001')).toBe('1000');
    // A third: 1/3 = 0.333..., repeating digits never end, so never "exact".
    expect(avg('buy', '3', '1')).toBe('0.34');
    expect(avg('sell', '3', '1')).toBe('0.33');
  });

  it('uses multiples of a tick that is not a power of ten', () => {
    // 1001.03 on a 0.05 tick: between 1001.00 and 1001.05.
    expect(avg('buy', '1', '1001.03', '0.05')).toBe('1001.05');
    expect(avg('sell', '1', '1001.03', '0.05')).toBe('1001');
    expect(avg('buy', '2', '2002.1', '0.05')).toBe('1001.05');
    // Whole-number and coarse ticks.
    expect(avg('buy', '3', '100', '1')).toBe('34');
    expect(avg('sell', '3', '100', '0.5')).toBe('33');
  });

  it('handles small and large amounts without floating point', () => {
    // 0.1 + 0.2 style values: exact decimals, no binary artefacts.
    expect(avg('sell', '0.3', '0.09', '0.0001')).toBe('0.3');
    expect(avg('buy', '0.07', '0.0049', '0.0001')).toBe('0.07');
    // Beyond 2^53 in units: 123456789012345.67 x 3 bought.
    expect(avg('buy', '3', '370370367037037.01', '0.01')).toBe('123456789012345.67');
    expect(avg('buy', '3', '370370367037037.02', '0.01')).toBe('123456789012345.68');
  });

  it('is null when nothing traded or the exchange does not report the quote', () => {
    expect(avg('buy', '0', '0')).toBeNull();
    expect(avg('sell', '0.00', '0')).toBeNull();
    expect(avg('buy', '2', null)).toBeNull();
  });
});

describe('averageTitle', () => {
  const market: Market = {
    symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01',
    minQty: '0.01', minNotional: '1', priceBand: '0.1', baseAssetPrecision: 2, quoteAssetPrecision: 2,
  };

  it('says what was paid or received at the quote asset\'s precision, never rounded', () => {
    expect(averageTitle({ side: 'buy', executedQty: '3', executedQuoteQty: '3016' }, market)).toBe('Paid 3,016.00 INR for 3.00 TATA');
    expect(averageTitle({ side: 'sell', executedQty: '1.5', executedQuoteQty: '2250.755' }, market)).toBe('Received 2,250.755 INR for 1.50 TATA');
    expect(averageTitle({ side: 'buy', executedQty: '3', executedQuoteQty: '3016' }, { ...market, quoteAssetPrecision: 0 })).toBe('Paid 3,016 INR for 3.00 TATA');
    expect(averageTitle({ side: 'buy', executedQty: '2', executedQuoteQty: null }, market)).toBeUndefined();
  });

  it('shows the amount as sent from an exchange that does not give the precision', () => {
    expect(averageTitle({ side: 'buy', executedQty: '3', executedQuoteQty: '3016.50' }, { ...market, quoteAssetPrecision: null })).toBe('Paid 3,016.5 INR for 3.00 TATA');
  });
});
