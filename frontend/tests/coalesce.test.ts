import { describe, expect, it } from 'vitest';
import { coalesceEvents } from '@/lib/coalesce';
import { LocalOrderBook } from '@/lib/orderbook';
import { decodeDepthEvent } from '@/lib/wire';

const depth = (U: number, u: number, b: [string, string][], a: [string, string][] = [], s = 'TATA_INR') => ({ e: 'depth', s, U, u, b, a });
const ticker = (s: string, lastPrice: string) => ({ e: 'ticker', s, lastPrice });
const kline = (s: string, timestamp: string, close: string, i = '1m') => ({ e: 'kline', s, i, timestamp, close });
const trade = (t: number) => ({ e: 'trade', s: 'TATA_INR', t, p: '1000', q: '1', m: false, T: t });
const ack = (id: number) => ({ result: null, id });

/** Seeded pseudo-random numbers. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/**
 * A market as the exchange sees it: update k changes some bid levels; a diff [U, u] carries the
 * quantities, as of u, of every level changed by updates U..u; a snapshot at X is the book after X.
 */
function market(seed: number, updates: number) {
  const rand = random(seed);
  const changes: [string, string][][] = [];
  for (let k = 0; k < updates; k++) {
    changes.push(Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
      [String(990 + Math.floor(rand() * 15)), rand() < 0.3 ? '0' : (1 + rand() * 9).toFixed(2)] as [string, string]));
  }
  const state = (upTo: number) => {
    const levels = new Map<string, string>([['999', '5'], ['998', '5']]);
    for (let k = 0; k < upTo; k++) for (const [p, q] of changes[k] ?? []) levels.set(p, q);
    return levels;
  };
  const diff = (U: number, u: number) => {
    const now = state(u);
    const touched = new Set((changes.slice(U - 1, u)).flat().map(([p]) => p));
    return depth(U, u, [...touched].map((p) => [p, now.get(p) ?? '0'] as [string, string]));
  };
  const snapshot = (X: number) => {
    const book = new LocalOrderBook();
    book.loadSnapshot({ bids: [...state(X)].filter(([, q]) => q !== '0'), asks: [], lastUpdateId: X });
    return book;
  };
  return { rand, diff, snapshot };
}

function applied(book: LocalOrderBook, events: readonly unknown[]) {
  for (const e of events) book.applyDiff(decodeDepthEvent(e as Record<string, unknown>));
  return { bids: book.levels('bids', 100), id: book.lastUpdateId };
}

describe('coalesceEvents', () => {
  it('keeps the latest ticker per market and the latest kline per candle, in the first one\'s place', () => {
    const out = coalesceEvents([
      ticker('A', '1'), trade(1), ticker('B', '5'), kline('A', 't0', '1'), ticker('A', '2'), kline('A', 't1', '3'), kline('A', 't0', '2'), trade(2),
    ]);
    expect(out).toEqual([ticker('A', '2'), trade(1), ticker('B', '5'), kline('A', 't0', '2'), kline('A', 't1', '3'), trade(2)]);
  });

  it('keeps candles of different intervals apart even when they start together', () => {
    const out = coalesceEvents([kline('A', 't0', '1', '1m'), kline('A', 't0', '2', '1h'), kline('A', 't0', '3', '1m')]);
    expect(out).toEqual([kline('A', 't0', '3', '1m'), kline('A', 't0', '2', '1h')]);
  });

  it('merges continuing depth diffs of a market, and keeps gaps, other markets and non-events apart', () => {
    const out = coalesceEvents([
      depth(1, 2, [['999', '1']]), depth(3, 3, [['998', '0']], [['1001', '2']]), depth(2, 4, [['997', '1']]),
      depth(1, 1, [['50', '1']], [], 'INFY_INR'),
      depth(6, 6, [['996', '1']]),                       // a gap (5 is missing): not merged
      ack(9),
      depth(7, 7, [['995', '1']]),                       // continues, but after an acknowledgement
    ]);
    expect(out).toEqual([
      depth(1, 4, [['999', '1'], ['998', '0'], ['997', '1']], [['1001', '2']]),
      depth(1, 1, [['50', '1']], [], 'INFY_INR'),
      depth(6, 6, [['996', '1']]),
      ack(9),
      depth(7, 7, [['995', '1']]),
    ]);
  });

  it('does not change the events it was given', () => {
    const first = depth(1, 1, [['999', '1']]);
    coalesceEvents([first, depth(2, 2, [['998', '1']])]);
    expect(first).toEqual(depth(1, 1, [['999', '1']]));
  });

  it('gives the same book as applying every diff, from any snapshot', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const m = market(seed, 60);
      // Diffs as the exchange sends them: contiguous, sometimes overlapping the previous one.
      const events = [];
      let next = 1;
      while (next <= 60) {
        const U = Math.max(1, next - (m.rand() < 0.2 ? 1 : 0));
        const u = Math.min(60, U + Math.floor(m.rand() * 3));
        events.push(m.diff(U, u));
        next = u + 1;
      }
      const merged = coalesceEvents(events);
      expect(merged.length).toBeLessThan(events.length);
      const truth = applied(m.snapshot(60), []);
      for (const X of [0, 5, 17, 33]) {
        expect(applied(m.snapshot(X), events)).toEqual(truth);
        expect(applied(m.snapshot(X), merged)).toEqual(truth);
      }
    }
  });
});
