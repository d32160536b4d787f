/**
 * Labels of the chart's time axis (lightweight-charts' `tickMarkFormatter`) and of its crosshair
 * (`localization.timeFormatter`), in the trader's local time zone: the same clock as the trades,
 * the open orders, the order history and the fills (lib/format.ts). The library's defaults show
 * UTC, and build each label with Date.toLocaleString, which sets up a new formatter for every
 * label of every redraw; here one Intl.DateTimeFormat per kind of label is kept.
 *
 * A day or week candle starts at a UTC midnight: its time of day says nothing (it read "00:00"
 * under every bar of a 1d chart), so its labels are dates.
 */
import type { Time, TickMarkType } from 'lightweight-charts';

const DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };

/** Options per TickMarkType (Year, Month, DayOfMonth, Time, TimeWithSeconds), as the library's. */
const OPTIONS: readonly Intl.DateTimeFormatOptions[] = [
  { year: 'numeric' },
  { month: 'short' },
  { day: 'numeric' },
  { hour12: false, hour: '2-digit', minute: '2-digit' },
  { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' },
];

/** The crosshair's label: the whole date, and the time of day for bars shorter than a day. */
const CROSSHAIR: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: '2-digit' };
const CROSSHAIR_TIME: Intl.DateTimeFormatOptions = { ...CROSSHAIR, hour12: false, hour: '2-digit', minute: '2-digit' };

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, kind: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let format = formats.get(key);
  if (!format) {
    // No timeZone: the browser's, as for every other time on the page.
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/** A tick mark's label; `dayBars`: the chart's candles are a day or longer. */
export function tickMarkLabel(time: Time, type: TickMarkType, locale: string, dayBars = false): string | null {
  const options = OPTIONS[type as number];
  // Business days and string dates are not used by this app: the library's default then.
  if (typeof time !== 'number' || !options) return null;
  const timeOfDay = (type as number) >= 3;
  const format = dayBars && timeOfDay ? formatter(locale, 'date', DATE) : formatter(locale, String(type as number), options);
  return format.format(new Date(time * 1000));
}

/** The crosshair's label of a bar's time. */
export function crosshairLabel(time: Time, locale: string, dayBars = false): string {
  if (typeof time !== 'number') return String(time);
  const format = dayBars ? formatter(locale, 'crosshair-day', CROSSHAIR) : formatter(locale, 'crosshair', CROSSHAIR_TIME);
  return format.format(new Date(time * 1000));
}
