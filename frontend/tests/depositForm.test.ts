import { describe, expect, it } from 'vitest';
import { assetPrecisions } from '@/lib/assetPrecision';
import { checkDepositAmount, depositProblem } from '@/lib/depositForm';
import type { MarketAssetsInfo } from '@/lib/assetPrecision';

const tata: MarketAssetsInfo = { baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01', baseAssetPrecision: 2, quoteAssetPrecision: 2 };
const gold: MarketAssetsInfo = { baseAsset: 'GOLD', quoteAsset: 'USD', tickSize: '1', stepSize: '0.1', baseAssetPrecision: 4, quoteAssetPrecision: 0 };
const precisions = assetPrecisions([tata, gold]);
/** The form's check, with the asset's precision as the page knows it (null: not known). */
const check = (text: string, asset: string) => checkDepositAmount(text, asset, precisions.get(asset) ?? null);
const problem = (text: string, asset: string) => depositProblem(text, asset, precisions.get(asset) ?? null);

describe('deposit form rules', () => {
  it("refuses more decimals than the asset's precision, in plain words", () => {
    expect(check('1.005', 'INR')).toBe('INR allows at most 2 decimals');
    expect(check('0.00001', 'GOLD')).toBe('GOLD allows at most 4 decimals');
    expect(checkDepositAmount('0.25', 'BTC', 1)).toBe('BTC allows at most 1 decimal');
    expect(problem('1.005', 'INR')).toEqual({ field: true, message: 'INR allows at most 2 decimals' });
  });

  it('takes exactly the precision, and fewer', () => {
    expect(check('1.05', 'INR')).toBeNull();
    expect(check('1.5', 'INR')).toBeNull();
    expect(check('12', 'INR')).toBeNull();
    expect(check('0.0001', 'GOLD')).toBeNull();
    expect(problem('1.05', 'INR')).toBeNull();
    expect(problem(' 0.0001 ', 'GOLD')).toBeNull();
  });

  it('says "whole amounts only" for an asset of precision 0', () => {
    expect(check('2.5', 'USD')).toBe('USD allows whole amounts only');
    expect(check('0.1', 'USD')).toBe('USD allows whole amounts only');
    expect(problem('2.5', 'USD')).toEqual({ field: true, message: 'USD allows whole amounts only' });
    expect(problem('2', 'USD')).toBeNull();
    // Forms people type that are whole: "5." is 5 (sent as "5", lib/orderForm.ts toWireDecimal).
    expect(problem('5.', 'USD')).toBeNull();
  });

  it('counts the decimals the value needs, as the exchange does: trailing zeros beyond the precision are no decimals', () => {
    expect(problem('1.500', 'INR')).toBeNull();
    expect(problem('1.000000', 'USD')).toBeNull();
    expect(problem('3.10000', 'GOLD')).toBeNull();
    expect(check('1.501', 'INR')).toBe('INR allows at most 2 decimals');
  });

  it('checks no decimals of an asset whose precision is not known: the exchange says', () => {
    // An asset no market names, and any asset of an exchange that does not send precisions.
    expect(problem('1.005', 'SILVER')).toBeNull();
    expect(depositProblem('1.123456789', 'INR', null)).toBeNull();
    expect(assetPrecisions([{ ...tata, baseAssetPrecision: null, quoteAssetPrecision: null }]).get('INR')).toBeUndefined();
    // The other rules still hold.
    expect(depositProblem('-1', 'INR', null)).toEqual({ field: true, message: 'Amount cannot be negative' });
    expect(depositProblem('0', 'INR', null)).toEqual({ field: false, message: 'Enter an amount above 0 to deposit' });
  });

  it('is not wrong while empty or a lone "." is typed, but is not sent either', () => {
    for (const text of ['', ' ', '.']) {
      expect(check(text, 'INR')).toBeNull();
      expect(check(text, 'USD')).toBeNull();
      expect(problem(text, 'INR')).toEqual({ field: false, message: 'Enter an amount to deposit' });
    }
  });

  it('does not send zero', () => {
    for (const text of ['0', '0.00', '.0', '0.', '0.000']) {
      expect(check(text, 'INR')).toBeNull();
      expect(problem(text, 'INR')).toEqual({ field: false, message: 'Enter an amount above 0 to deposit' });
    }
    // Zero with decimals beyond the precision is zero, not too fine (the exchange: "must be positive").
    expect(problem('0.000', 'USD')).toEqual({ field: false, message: 'Enter an amount above 0 to deposit' });
  });

  it('refuses a negative amount as it is typed', () => {
    for (const text of ['-5', '-', '-0.5', ' -1.005']) {
      expect(check(text, 'INR')).toBe('Amount cannot be negative');
      expect(problem(text, 'INR')).toEqual({ field: true, message: 'Amount cannot be negative' });
    }
  });

  it('refuses what is not a plain number as it is typed', () => {
    for (const text of ['abc', '1e3', '1,000', '1.2.3', '+5', '5a', 'Infinity', 'NaN', '0x10', '1 000']) {
      expect(check(text, 'INR')).toMatch(/^Amount must be a plain decimal number/);
      expect(problem(text, 'INR')).toMatchObject({ field: true });
      expect(depositProblem(text, 'INR', null)).toMatchObject({ field: true });
    }
  });
});
