import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TickMarkType, UTCTimestamp } from 'lightweight-charts';
import { formatDateTime, formatTime } from '@/lib/format';
import { tickMarkLabel } from '@/lib/tickMarks';

/** lib/tickMarks.ts afresh: its formatters are kept, each in the time zone it was made in. */
async function freshTickMarks() {
  vi.resetModules();
  return import('@/lib/tickMarks');
}

const TIME = 3 as TickMarkType;
const DAY_OF_MONTH = 2 as TickMarkType;
/** 2025-11-27 18:45:00 UTC: 00:15 the next day in India, 13:45 the same day in New York. */
const AT = 1764269100 as UTCTimestamp;

let savedTz: string | undefined;
beforeAll(() => { savedTz = process.env.TZ; });
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('tickMarkLabel', () => {
  // The trader's clock on the chart, as on the trades, the orders and the fills (lib/format.ts).
  for (const tz of ['Asia/Kolkata', 'America/New_York']) {
    it(`shows the chart's times in the local time zone, as the lists do (${tz})`, async () => {
      process.env.TZ = tz;
      const { crosshairLabel, tickMarkLabel } = await freshTickMarks();
      expect(tickMarkLabel(AT, TIME, 'en-GB')).toBe(formatTime(AT * 1000).slice(0, 5));
      expect(crosshairLabel(AT, 'en-GB')).toContain(formatTime(AT * 1000).slice(0, 5));
      // The crosshair's date is the lists' date too ("MM-DD HH:MM:SS" there).
      const day = String(Number(formatDateTime(AT * 1000).slice(3, 5)));
      expect(crosshairLabel(AT, 'en-GB')).toContain(` ${day} Nov`);
      expect(tickMarkLabel(AT, DAY_OF_MONTH, 'en-GB')).toBe(day);
    });
  }

  it('writes dates, not "00:00", under day and week candles', async () => {
    process.env.TZ = 'Asia/Kolkata';
    const { crosshairLabel, tickMarkLabel } = await freshTickMarks();
    const midnight = 1764201600 as UTCTimestamp; // 2025-11-27 00:00 UTC, a 1d candle's start
    expect(tickMarkLabel(midnight, TIME, 'en-GB', true)).toBe('27 Nov');
    expect(tickMarkLabel(midnight, 4 as TickMarkType, 'en-GB', true)).toBe('27 Nov');
    expect(crosshairLabel(midnight, 'en-GB', true)).toBe('Thu, 27 Nov 25');
    expect(tickMarkLabel(midnight, TIME, 'en-GB', false)).toBe('05:30');
  });

  it('leaves business days to the library', () => {
    expect(tickMarkLabel({ year: 2025, month: 3, day: 3 }, DAY_OF_MONTH, 'en-US')).toBeNull();
  });
});
