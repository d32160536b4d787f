import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import { orderErrorText } from '@/lib/orderNotices';
import { depositRefusal, fundsShortfall, orderRefusal } from '@/lib/refusals';
import type { Market } from '@/lib/types';

const market: Market = {
  symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01',
  minQty: '0.01', minNotional: '1', priceBand: '0.1', baseAssetPrecision: 2, quoteAssetPrecision: 2,
};
const form = { type: 'limit' as const, timeInForce: 'GTC' as const, postOnly: false };

describe('an order beyond the balance', () => {
  it('is said before it is sent, with the asset it needs and separators', () => {
    expect(fundsShortfall({ ...form, side: 'buy', price: '1000', quantity: '100000' }, market, '9987839.4847')).toBe(
      'Not enough INR: this order needs 100,000,000.00 INR and 9,987,839.4847 INR is available. Nothing was sent: lower the amount, or deposit first.');
    expect(fundsShortfall({ ...form, side: 'sell', price: '1000', quantity: '12.5' }, market, '10')).toBe(
      'Not enough TATA: this order needs 12.50 TATA and 10.00 TATA is available. Nothing was sent: lower the amount, or deposit first.');
  });

  it("says the amounts at their asset's precision, never rounded, or as before from an exchange that does not say", () => {
    // RELI of 4 decimals (in steps of 0.1), USD of none (at a tick of 0.5).
    const reli: Market = { ...market, symbol: 'RELI_USD', baseAsset: 'RELI', quoteAsset: 'USD', tickSize: '0.5', stepSize: '0.1', baseAssetPrecision: 4, quoteAssetPrecision: 0 };
    expect(fundsShortfall({ ...form, side: 'sell', price: '10', quantity: '12.5' }, reli, '10')).toBe(
      'Not enough RELI: this order needs 12.5000 RELI and 10.0000 RELI is available. Nothing was sent: lower the amount, or deposit first.');
    expect(fundsShortfall({ ...form, side: 'buy', price: '1000.5', quantity: '2' }, reli, '1500.25')).toBe(
      'Not enough USD: this order needs 2,001 USD and 1,500.25 USD is available. Nothing was sent: lower the amount, or deposit first.');
    expect(orderRefusal('MIN_NOTIONAL', { ...reli, minNotional: '1000' }, 'USD')).toBe("The order's total is below this market's minimum of 1,000 USD.");
    const older: Market = { ...reli, baseAssetPrecision: null, quoteAssetPrecision: null };
    expect(fundsShortfall({ ...form, side: 'sell', price: '10', quantity: '12' }, older, '10')).toBe(
      'Not enough RELI: this order needs 12.0 RELI and 10.0 RELI is available. Nothing was sent: lower the amount, or deposit first.');
    expect(orderRefusal('MIN_NOTIONAL', { ...older, minNotional: '1000' }, 'USD')).toBe("The order's total is below this market's minimum of 1,000.0 USD.");
  });

  it('is not stopped when the balance pays for it, is not known yet, or a market buy spends what it finds', () => {
    expect(fundsShortfall({ ...form, side: 'buy', price: '1000', quantity: '10' }, market, '10000')).toBeNull();
    expect(fundsShortfall({ ...form, side: 'buy', price: '1000', quantity: '10' }, market, null)).toBeNull();
    expect(fundsShortfall({ ...form, side: 'buy', type: 'market', price: '', quantity: '1000000' }, market, '1')).toBeNull();
    expect(fundsShortfall({ ...form, side: 'sell', price: '', quantity: 'x' }, market, '1')).toBeNull();
  });
});

describe('refusals in plain words', () => {
  it('says a refusal from its code, and keeps the exchange\'s text as the detail', () => {
    const err = new ApiError(422, 'INSUFFICIENT_FUNDS', 'insufficient funds: needs 100000000, available 9987839.4847');
    expect(orderErrorText(err, err.message, { userId: '5', spendAsset: 'INR', market })).toEqual({
      message: 'Not enough INR available for this order.', detail: 'insufficient funds: needs 100000000, available 9987839.4847',
      showCode: false, deposit: true, unknownOutcome: false,
    });
    expect(orderRefusal('POST_ONLY_WOULD_CROSS', market, 'INR')).toBe('Post only: at this price the order would trade at once, so it was not placed.');
    expect(orderRefusal('MIN_NOTIONAL', market, 'INR')).toBe("The order's total is below this market's minimum of 1.00 INR.");
    // A code that says too little by itself: the exchange's message, with its code.
    const other = new ApiError(400, 'INVALID_FIELD', 'field "side" must be buy or sell');
    expect(orderErrorText(other, other.message, { userId: '5', spendAsset: 'INR', market }))
      .toEqual({ message: other.message, showCode: true, deposit: false, unknownOutcome: false });
  });

  it('says plainly that a deposit is more than an account can hold', () => {
    const overflow = new ApiError(400, 'INVALID_FIELD', 'amount would overflow the balance');
    expect(depositRefusal(overflow, 'INR', '92000000000')).toEqual({
      message: 'That is more INR than an account can hold: deposit a smaller amount.', detail: 'amount would overflow the balance',
    });
    const range = new ApiError(400, 'INVALID_FIELD', 'field "amount" must be a decimal number with at most 8 decimals and within range, not "100000000000"');
    expect(depositRefusal(range, 'INR', '100000000000').message).toBe('That is more INR than an account can hold: deposit a smaller amount.');
    // Too many decimals is not a matter of size.
    expect(depositRefusal(range, 'INR', '1.123456789').message).toBe(range.message);
  });
});
