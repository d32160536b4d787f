import { describe, expect, it } from 'vitest';
import {
  checkDecimalText, checkPlainDecimal, effectiveTimeInForce, isPlainDecimal, newClientOrderId, orderTotal, quantityForPercent, stepValue, submitProblem, toNewOrder, toWireDecimal, validateOrder,
  type OrderFormValues,
} from '@/lib/orderForm';
import type { Market } from '@/lib/types';

const market: Market = {
  symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01',
  minQty: '0.01', minNotional: '1', priceBand: '0.1', baseAssetPrecision: 2, quoteAssetPrecision: 2,
};
/** INFY_INR of config/exchange.example.toml: whole shares, prices in 0.05. */
const infy: Market = {
  symbol: 'INFY_INR', baseAsset: 'INFY', quoteAsset: 'INR', tickSize: '0.05', stepSize: '1',
  minQty: '1', minNotional: '10', priceBand: '0.05', baseAssetPrecision: 2, quoteAssetPrecision: 2,
};
/** BTC_INR: whole rupee prices. */
const btc: Market = {
  symbol: 'BTC_INR', baseAsset: 'BTC', quoteAsset: 'INR', tickSize: '1', stepSize: '0.00001',
  minQty: '0.0001', minNotional: '100', priceBand: '0.1', baseAssetPrecision: 8, quoteAssetPrecision: 2,
};
const form = (over: Partial<OrderFormValues> = {}): OrderFormValues => ({
  side: 'buy', type: 'limit', price: '1000.50', quantity: '2', timeInForce: 'GTC', postOnly: false, ...over,
});

describe('order form rules', () => {
  it('tells plain decimals from anything else, without correcting them', () => {
    for (const ok of ['12', '12.5', '.5', '12.', ' 2.5 ', '0']) expect(isPlainDecimal(ok)).toBe(true);
    for (const bad of ['', '.', '-995', '1e3', '1,000.5', '1.2.3', '+5', '5a', 'Infinity', '0x10']) expect(isPlainDecimal(bad)).toBe(false);
    expect(checkPlainDecimal('', 'Price')).toBeNull();
    expect(checkPlainDecimal('.', 'Price')).toBeNull();
    expect(checkPlainDecimal('-995', 'Price')).toBe('Price cannot be negative');
    expect(checkPlainDecimal('1e3', 'Amount')).toMatch(/^Amount must be a plain decimal number/);
    expect(checkPlainDecimal('1,000', 'Amount')).toMatch(/no .*commas/);
  });

  it("refuses typed numbers finer than the market's tick or step instead of rewriting them", () => {
    // A whole step or tick: the "." is kept and the value refused (never 2.5 -> 25).
    expect(checkDecimalText('2.5', 'Amount', '1')).toBe('Amount must be a whole number (a multiple of 1)');
    expect(checkDecimalText('0.5', 'Amount', '1')).toBe('Amount must be a whole number (a multiple of 1)');
    expect(checkDecimalText('5000000.5', 'Price', '1')).toBe('Price must be a whole number (a multiple of 1)');
    expect(checkDecimalText('5000000', 'Price', '1')).toBeNull();
    expect(checkDecimalText('2.0', 'Amount', '1')).toBeNull();
    // Too many decimals, and off the tick.
    expect(checkDecimalText('995.5555', 'Price', '0.01')).toBe('Price must be a multiple of 0.01: at most 2 decimals');
    expect(checkDecimalText('995.50', 'Price', '0.01')).toBeNull();
    expect(checkDecimalText('995.500', 'Price', '0.01')).toBeNull();
    expect(checkDecimalText('1000.03', 'Price', '0.05')).toBe('Price must be a multiple of 0.05');
    expect(checkDecimalText('1000.1', 'Price', '0.05')).toBeNull();
    expect(checkDecimalText('-995', 'Price', '0.01')).toBe('Price cannot be negative');
    expect(checkDecimalText('1e3', 'Price', '0.01')).toMatch(/plain decimal/);
    expect(checkDecimalText('', 'Price', '0.01')).toBeNull();
  });

  it('steps by one tick', () => {
    expect(stepValue('1000.50', '0.01', 1)).toBe('1000.51');
    expect(stepValue('1000.50', '0.01', -1)).toBe('1000.49');
    expect(stepValue('0.01', '0.01', -1)).toBe('0.01');
    expect(stepValue('', '0.01', 1, '999.99')).toBe('1000');
    expect(stepValue('1e3', '0.01', 1, '999.99')).toBe('1000');
  });

  it('computes totals and percent-of-balance quantities exactly', () => {
    expect(orderTotal('1000.97', '2.5')).toBe('2502.425');
    expect(orderTotal('', '2')).toBeNull();
    expect(orderTotal('-995', '2')).toBeNull();
    expect(orderTotal('1e3', '2')).toBeNull();
    expect(quantityForPercent({ side: 'buy', available: '1000', price: '3', percent: 100, stepSize: '0.01' })).toBe('333.33');
    expect(quantityForPercent({ side: 'buy', available: '1000', price: '3', percent: 25, stepSize: '0.01' })).toBe('83.33');
    expect(quantityForPercent({ side: 'sell', available: '10.05', price: null, percent: 50, stepSize: '0.01' })).toBe('5.02');
    expect(quantityForPercent({ side: 'buy', available: '0', price: '3', percent: 100, stepSize: '0.01' })).toBeNull();
    expect(quantityForPercent({ side: 'buy', available: '10', price: null, percent: 100, stepSize: '0.01' })).toBeNull();
  });

  it('validates against tick, step and minimums', () => {
    expect(validateOrder(form(), market)).toBeNull();
    expect(validateOrder(form({ price: '' }), market)).toBe('Enter a price');
    expect(validateOrder(form({ price: '1000.505' }), market)).toMatch(/multiple of 0.01/);
    expect(validateOrder(form({ price: '995.5555' }), market)).toBe('Price must be a multiple of 0.01: at most 2 decimals');
    expect(validateOrder(form({ price: '-995' }), market)).toBe('Price cannot be negative');
    expect(validateOrder(form({ quantity: '1e3' }), market)).toMatch(/^Amount must be a plain decimal/);
    expect(validateOrder(form({ price: '.' }), market)).toBe('Enter a price');
    expect(validateOrder(form({ price: '0' }), market)).toBe('Enter a price');
    expect(validateOrder(form({ price: '1500', quantity: '2.5' }), infy)).toBe('Amount must be a whole number (a multiple of 1)');
    expect(validateOrder(form({ price: '1500', quantity: '3' }), infy)).toBeNull();
    expect(validateOrder(form({ type: 'market', quantity: '0.5' }), infy)).toBe('Amount must be a whole number (a multiple of 1)');
    expect(validateOrder(form({ price: '5000000.5', quantity: '0.001' }), btc)).toBe('Price must be a whole number (a multiple of 1)');
    expect(validateOrder(form({ price: '5000000', quantity: '0.001' }), btc)).toBeNull();
    expect(validateOrder(form({ quantity: '0' }), market)).toBe('Enter an amount');
    expect(validateOrder(form({ quantity: '0.001' }), market)).toMatch(/Amount must be a multiple/);
    expect(validateOrder(form({ price: '0.01', quantity: '1' }), market)).toBe('Minimum order value is 1.00 INR');
    // The minimum at the quote asset's precision (none: as configured, as before), never rounded.
    expect(validateOrder(form({ price: '0.01', quantity: '1' }), { ...market, quoteAssetPrecision: 0, minNotional: '1000' })).toBe('Minimum order value is 1,000 INR');
    expect(validateOrder(form({ price: '0.01', quantity: '1' }), { ...market, quoteAssetPrecision: 0, minNotional: '1.25' })).toBe('Minimum order value is 1.25 INR');
    expect(validateOrder(form({ price: '0.01', quantity: '1' }), { ...market, quoteAssetPrecision: null })).toBe('Minimum order value is 1 INR');
    expect(validateOrder(form({ type: 'market', price: '' }), market)).toBeNull();
  });

  it('builds the request with decimals as strings, the values typed at the market precision', () => {
    expect(toNewOrder(form({ postOnly: true, timeInForce: 'IOC' }), market, '5')).toEqual({
      market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', quantity: '2.00', price: '1000.50', timeInForce: 'GTC', postOnly: true,
    });
    expect(toNewOrder(form({ type: 'market', side: 'sell' }), market, '1')).toEqual({
      market: 'TATA_INR', userId: '1', side: 'sell', type: 'market', quantity: '2.00',
    });
    expect(toNewOrder(form({ price: ' .5', quantity: '3.500' }), market, '1')).toMatchObject({ price: '0.50', quantity: '3.50' });
    expect(toNewOrder(form({ price: '1500.05', quantity: '3' }), infy, '1')).toMatchObject({ price: '1500.05', quantity: '3' });
    expect(toNewOrder(form({ type: 'market', timeInForce: 'FOK' }), market, '1').timeInForce).toBe('FOK');
    expect(toNewOrder(form(), market, '1', 'web-0a1b').clientOrderId).toBe('web-0a1b');
  });

  it('shows the time in force the order is sent with: GTC while post-only is ticked', () => {
    // The form's select shows effectiveTimeInForce: what toNewOrder sends, never another value.
    for (const timeInForce of ['GTC', 'IOC', 'FOK'] as const) {
      const postOnly = form({ postOnly: true, timeInForce });
      expect(effectiveTimeInForce(postOnly)).toBe('GTC');
      expect(toNewOrder(postOnly, market, '5').timeInForce).toBe(effectiveTimeInForce(postOnly));
      // Unticked again: the pick is back, and sent.
      expect(effectiveTimeInForce(form({ timeInForce }))).toBe(timeInForce);
      expect(toNewOrder(form({ timeInForce }), market, '5').timeInForce).toBe(timeInForce);
    }
    // A market order has no GTC (its rest expires) and no post-only.
    expect(effectiveTimeInForce(form({ type: 'market', timeInForce: 'GTC' }))).toBe('IOC');
    expect(effectiveTimeInForce(form({ type: 'market', timeInForce: 'FOK', postOnly: true }))).toBe('FOK');
    expect(toNewOrder(form({ type: 'market', timeInForce: 'FOK', postOnly: true }), market, '5')).toMatchObject({ timeInForce: 'FOK' });
    expect(toNewOrder(form({ type: 'market', postOnly: true }), market, '5').postOnly).toBeUndefined();
  });

  it('gives each order a clientOrderId the exchange takes (letters, digits, _ and -, at most 36)', () => {
    const ids = Array.from({ length: 100 }, newClientOrderId);
    for (const id of ids) expect(id).toMatch(/^web-[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(100);
  });

  it('writes a typed number out as the exchange reads it, for orders and deposits alike', () => {
    // The exchange refuses ".5" and "5." (400): the deposit form sends them through here too.
    expect(toWireDecimal('.5')).toBe('0.5');
    expect(toWireDecimal('5.')).toBe('5');
    expect(toWireDecimal(' 0005.50 ')).toBe('5.5');
    expect(toWireDecimal('12')).toBe('12');
    expect(toWireDecimal('.5', '0.01')).toBe('0.50');
    expect(toWireDecimal('5.', '0.01')).toBe('5.00');
    expect(toWireDecimal('3', '1')).toBe('3');
  });

  it("says a refused price or amount once: where the field shows it, not again in the form's alert", () => {
    expect(submitProblem(form({ price: '1e3' }), market)).toEqual({ field: 'price', message: checkPlainDecimal('1e3', 'Price') });
    expect(submitProblem(form({ quantity: '2.5' }), infy)).toEqual({ field: 'quantity', message: 'Amount must be a whole number (a multiple of 1)' });
    // A market order has no price field: its price is not looked at.
    expect(submitProblem(form({ type: 'market', price: '-1', quantity: '-1' }), market)).toEqual({ field: 'quantity', message: 'Amount cannot be negative' });
    // What no field shows is the form's to say.
    expect(submitProblem(form({ price: '' }), market)).toEqual({ field: null, message: 'Enter a price' });
    expect(submitProblem(form({ price: '5000000', quantity: '0.00001' }), btc)).toEqual({ field: null, message: 'Minimum amount is 0.0001 BTC' });
    expect(submitProblem(form(), market)).toBeNull();
  });
});
