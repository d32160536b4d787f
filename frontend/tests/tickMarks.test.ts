import { describe, expect, it } from 'vitest';
import type { TickMarkType, UTCTimestamp } from 'lightweight-charts';
import { tickMarkLabel } from '@/lib/tickMarks';

/** lightweight-charts' own default (defaultTickMarkFormatter): UTC fields shown as local ones. */
function libraryDefault(time: number, type: number, locale: string): string {
  const options: Intl.DateTimeFormatOptions[] = [
    { year: 'numeric' }, { month: 'short' }, { day: 'numeric' },
    { hour12: false, hour: '2-digit', minute: '2-digit' },
    { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' },
  ];
  const d = new Date(time * 1000);
  const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
  return local.toLocaleString(locale, options[type]);
}

describe('tickMarkLabel', () => {
  it('writes what the library would, for every kind of tick mark', () => {
    for (const time of [0, 1740939427, 1795653613]) {
      for (const type of [0, 1, 2, 3, 4]) {
        for (const locale of ['en-US', 'de-DE']) {
          expect(tickMarkLabel(time as UTCTimestamp, type as TickMarkType, locale)).toBe(libraryDefault(time, type, locale));
        }
      }
    }
  });

  it('leaves business days to the library', () => {
    expect(tickMarkLabel({ year: 2025, month: 3, day: 3 }, 2 as TickMarkType, 'en-US')).toBeNull();
  });
});
