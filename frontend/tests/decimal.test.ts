import { describe, expect, it } from 'vitest';
import * as d from '@/lib/decimal';

describe('decimal', () => {
  it('adds, subtracts and multiplies exactly', () => {
    expect(d.add('0.1', '0.2')).toBe('0.3');
    expect(d.add('1000.97', '0.03')).toBe('1001');
    expect(d.sub('1', '1.25')).toBe('-0.25');
    expect(d.mul('1000.97', '2.5')).toBe('2502.425');
    expect(d.mul('0.01', '0.01')).toBe('0.0001');
    expect(d.add('99999999999999999.99', '0.01')).toBe('100000000000000000');
  });

  it('divides, truncating toward zero', () => {
    expect(d.div('10', '3', 4)).toBe('3.3333');
    expect(d.div('-10', '3', 2)).toBe('-3.33');
    expect(d.div('1', '8', 3)).toBe('0.125');
    expect(() => d.div('1', '0', 2)).toThrow();
  });

  it('compares and normalises', () => {
    expect(d.cmp('1010', '1010.00')).toBe(0);
    expect(d.cmp('1009.99', '1010')).toBe(-1);
    expect(d.cmp('-1', '-2')).toBe(1);
    expect(d.normalize('001.500')).toBe('1.5');
    expect(d.normalize('-0.00')).toBe('0');
    expect(d.normalize('.5')).toBe('0.5');
    expect(d.isZero('0.000')).toBe(true);
    expect(d.isPositive('0.01')).toBe(true);
    expect(d.isPositive('-0.01')).toBe(false);
  });

  it('checks steps and truncates to them', () => {
    expect(d.decimalsOf('0.01')).toBe(2);
    expect(d.decimalsOf('1')).toBe(0);
    expect(d.decimalsOf('0.50')).toBe(1);
    expect(d.isMultipleOf('1000.97', '0.01')).toBe(true);
    expect(d.isMultipleOf('1000.975', '0.01')).toBe(false);
    expect(d.isMultipleOf('1.5', '0.5')).toBe(true);
    expect(d.isMultipleOf('1.7', '0.5')).toBe(false);
    expect(d.truncateToStep('1.789', '0.01')).toBe('1.78');
    expect(d.truncateToStep('1.7', '0.5')).toBe('1.5');
  });

  it('validates decimal text', () => {
    for (const ok of ['1', '1.5', '-2', '0.001', '.5', '5.']) expect(d.isDecimal(ok)).toBe(true);
    for (const bad of ['', '.', 'abc', '1e5', '1.2.3', 'NaN', '--1']) expect(d.isDecimal(bad)).toBe(false);
    expect(() => d.add('x', '1')).toThrow(/not a decimal/);
  });

  it('gives exact sort keys', () => {
    expect(d.toScaledUnits('1000.97', 4)).toBe(10009700n);
    expect(d.toScaledUnits('1.50000', 2)).toBe(150n);
    expect(() => d.toScaledUnits('1.555', 2)).toThrow();
  });
});
