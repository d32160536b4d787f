/**
 * Display formatting of exact decimals. Pure string operations: a value is shown with the digits
 * the API sent (padded to the market's precision, never rounded), grouped for readability.
 */
import { cmp, decimalsOf, normalize } from './decimal';
import type { Dec } from './types';

/** Pads the fraction to at least `decimals` digits; never drops a digit. */
export function padDecimals(value: Dec, decimals: number): string {
  const v = normalize(value);
  const dot = v.indexOf('.');
  const have = dot < 0 ? 0 : v.length - dot - 1;
  if (have >= decimals) return v;
  return (dot < 0 ? `${v}.` : v) + '0'.repeat(decimals - have);
}

/** "1234567.5" -> "1,234,567.5". */
export function groupThousands(value: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(value);
  if (!m) return value;
  return `${m[1]}${(m[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

/** A price at the market's tick precision: ("1010", "0.01") -> "1010.00". */
export function formatPrice(value: Dec, tickSize: Dec, grouped = false): string {
  const s = padDecimals(value, decimalsOf(tickSize));
  return grouped ? groupThousands(s) : s;
}

/** A quantity at the market's step precision. */
export function formatQty(value: Dec, stepSize: Dec, grouped = false): string {
  const s = padDecimals(value, decimalsOf(stepSize));
  return grouped ? groupThousands(s) : s;
}

/** A grouped amount with at least `decimals` fractional digits. */
export function formatAmount(value: Dec, decimals = 2): string {
  return groupThousands(padDecimals(value, decimals));
}

/** "+1.5" / "-0.97" / "0.00" with explicit sign for gains. */
export function formatSigned(value: Dec, decimals = 2): string {
  const s = padDecimals(value, decimals);
  return cmp(value, '0') > 0 ? `+${s}` : s;
}

export function formatPercent(value: Dec): string {
  return `${formatSigned(value, 2)}%`;
}

export type Trend = 'up' | 'down' | 'flat';

export function trendOf(change: Dec): Trend {
  const c = cmp(change, '0');
  return c > 0 ? 'up' : c < 0 ? 'down' : 'flat';
}

const two = (n: number) => String(n).padStart(2, '0');

/** Local "HH:MM:SS". */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Local "MM-DD HH:MM:SS". */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatTime(ms)}`;
}

/**
 * A list's count in a tab label: " (12)" when the whole list is loaded, " (50+)" when older rows
 * may follow (a paged list shows the rows loaded so far, not how many there are); "" for none.
 */
export function countLabel(shown: number | undefined, more = false): string {
  if (!shown) return '';
  return more ? ` (${shown}+)` : ` (${shown})`;
}
