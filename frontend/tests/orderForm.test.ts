import { describe, expect, it } from 'vitest';
import { orderTotal, quantityForPercent, sanitizeDecimalInput, stepValue, toNewOrder, validateOrder, type OrderFormValues } from '@/lib/orderForm';
import type { Market } from '@/lib/types';

const market: Market = {
  symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01',
  minQty: '0.01', minNotional: '1', priceBand: '0.1',
};
const form = (over: Partial<OrderFormValues> = {}): OrderFormValues => ({
  side: 'buy', type: 'limit', price: '1000.50', quantity: '2', timeInForce: 'GTC', postOnly: false, ...over,
});

describe('order form rules', () => {
  it('keeps typed input to the allowed precision', () => {
    expect(sanitizeDecimalInput('1000.555', 2)).toBe('1000.55');
    expect(sanitizeDecimalInput('1,000.5a', 2)).toBe('1000.5');
    expect(sanitizeDecimalInput('.5', 2)).toBe('0.5');
    expect(sanitizeDecimalInput('1.2.3', 2)).toBe('1.23');
    expect(sanitizeDecimalInput('7.9', 0)).toBe('7');
  });

  it('steps by one tick', () => {
    expect(stepValue('1000.50', '0.01', 1)).toBe('1000.51');
    expect(stepValue('1000.50', '0.01', -1)).toBe('1000.49');
    expect(stepValue('0.01', '0.01', -1)).toBe('0.01');
    expect(stepValue('', '0.01', 1, '999.99')).toBe('1000');
  });

  it('computes totals and percent-of-balance quantities exactly', () => {
    expect(orderTotal('1000.97', '2.5')).toBe('2502.425');
    expect(orderTotal('', '2')).toBeNull();
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
    expect(validateOrder(form({ quantity: '0' }), market)).toBe('Enter an amount');
    expect(validateOrder(form({ quantity: '0.001' }), market)).toMatch(/Amount must be a multiple/);
    expect(validateOrder(form({ price: '0.01', quantity: '1' }), market)).toMatch(/Minimum order value/);
    expect(validateOrder(form({ type: 'market', price: '' }), market)).toBeNull();
  });

  it('builds the request with decimals as strings', () => {
    expect(toNewOrder(form({ postOnly: true, timeInForce: 'IOC' }), market, '5')).toEqual({
      market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', quantity: '2', price: '1000.50', timeInForce: 'GTC', postOnly: true,
    });
    expect(toNewOrder(form({ type: 'market', side: 'sell' }), market, '1')).toEqual({
      market: 'TATA_INR', userId: '1', side: 'sell', type: 'market', quantity: '2',
    });
    expect(toNewOrder(form({ type: 'market', timeInForce: 'FOK' }), market, '1').timeInForce).toBe('FOK');
  });
});
