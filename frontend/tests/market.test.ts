import { describe, expect, it } from 'vitest';
import { findMarket, marketFromPath } from '@/lib/market';

const markets = [{ symbol: 'TATA_INR' }, { symbol: 'INFY_INR' }];

describe('the market a URL names', () => {
  it('is found as the exchange spells it, or in another case', () => {
    expect(findMarket(markets, 'TATA_INR')).toBe(markets[0]);
    expect(findMarket(markets, marketFromPath('/trade/tata_inr') ?? '')).toBe(markets[0]);
    expect(findMarket(markets, 'Infy_Inr')).toBe(markets[1]);
    expect(findMarket(markets, 'FOO_INR')).toBeNull();
  });
});
