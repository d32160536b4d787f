import { describe, expect, it } from 'vitest';
import { countLabel, formatAmount, formatPercent, formatPrice, formatQty, formatSigned, groupThousands, padDecimals, trendOf } from '@/lib/format';

describe('format', () => {
  it('pads to the market precision without rounding', () => {
    expect(formatPrice('1010', '0.01')).toBe('1010.00');
    expect(formatPrice('1010.5', '0.01')).toBe('1010.50');
    expect(formatPrice('1010.123', '0.01')).toBe('1010.123');
    expect(formatQty('2', '1')).toBe('2');
    expect(padDecimals('0.1', 3)).toBe('0.100');
  });

  it('groups thousands', () => {
    expect(groupThousands('1234567.891')).toBe('1,234,567.891');
    expect(groupThousands('-1000')).toBe('-1,000');
    expect(formatAmount('10000000')).toBe('10,000,000.00');
    expect(formatPrice('1234.5', '0.01', true)).toBe('1,234.50');
  });

  it('counts a paged list as what is shown', () => {
    expect(countLabel(undefined)).toBe('');
    expect(countLabel(0, true)).toBe('');
    expect(countLabel(12)).toBe(' (12)');
    expect(countLabel(50, true)).toBe(' (50+)');
  });

  it('signs changes', () => {
    expect(formatSigned('0.97')).toBe('+0.97');
    expect(formatSigned('-0.97')).toBe('-0.97');
    expect(formatPercent('-0.1')).toBe('-0.10%');
    expect(formatPercent('0')).toBe('0.00%');
    expect(trendOf('1')).toBe('up');
    expect(trendOf('-0.01')).toBe('down');
    expect(trendOf('0.00')).toBe('flat');
  });
});
