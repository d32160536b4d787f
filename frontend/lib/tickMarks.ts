/**
 * Labels of the chart's time axis (lightweight-charts' `tickMarkFormatter`), the same text as
 * the library's default: UTC time, the locale's style. The default builds them with
 * Date.toLocaleString, which sets up a new formatter for every label of every redraw; here one
 * Intl.DateTimeFormat per kind of label is kept.
 */
import type { Time, TickMarkType } from 'lightweight-charts';

/** Options per TickMarkType (Year, Month, DayOfMonth, Time, TimeWithSeconds), as the library's. */
const OPTIONS: readonly Intl.DateTimeFormatOptions[] = [
  { year: 'numeric' },
  { month: 'short' },
  { day: 'numeric' },
  { hour12: false, hour: '2-digit', minute: '2-digit' },
  { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' },
];

const formats = new Map<string, Intl.DateTimeFormat>();

export function tickMarkLabel(time: Time, type: TickMarkType, locale: string): string | null {
  const options = OPTIONS[type as number];
  // Business days and string dates are not used by this app: the library's default then.
  if (typeof time !== 'number' || !options) return null;
  const key = `${locale}|${type as number}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    formats.set(key, format);
  }
  return format.format(new Date(time * 1000));
}
