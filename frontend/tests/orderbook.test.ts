import { describe, expect, it } from 'vitest';
import { LocalOrderBook } from '@/lib/orderbook';
import type { DepthDiff } from '@/lib/types';

const diff = (firstId: number, lastId: number, bids: [string, string][] = [], asks: [string, string][] = []): DepthDiff =>
  ({ market: 'TATA_INR', firstId, lastId, bids, asks });

function loaded(): LocalOrderBook {
  const book = new LocalOrderBook();
  book.loadSnapshot({
    bids: [['1001.46', '1.36'], ['1001.45', '1.68'], ['999', '3']],
    asks: [['1010', '2.56'], ['1021', '9']],
    lastUpdateId: 10,
  });
  return book;
}

describe('LocalOrderBook', () => {
  it('sorts both sides best first with exact cumulative totals', () => {
    const book = loaded();
    expect(book.levels('bids', 10)).toEqual([
      { price: '1001.46', quantity: '1.36', total: '1.36' },
      { price: '1001.45', quantity: '1.68', total: '3.04' },
      { price: '999', quantity: '3', total: '6.04' },
    ]);
    expect(book.levels('asks', 1)).toEqual([{ price: '1010', quantity: '2.56', total: '2.56' }]);
    expect(book.best('bids')).toBe('1001.46');
    expect(book.best('asks')).toBe('1010');
  });

  it('applies a continuing diff: replace, add, and remove on zero', () => {
    const book = loaded();
    expect(book.applyDiff(diff(11, 12, [['1001.46', '0'], ['1002', '0.5']], [['1010.00', '1'], ['1009.5', '4']]))).toBe('applied');
    expect(book.lastUpdateId).toBe(12);
    expect(book.levels('bids', 2).map((l) => [l.price, l.quantity])).toEqual([['1002', '0.5'], ['1001.45', '1.68']]);
    // "1010.00" is the same level as "1010".
    expect(book.levels('asks', 5).map((l) => [l.price, l.quantity])).toEqual([['1009.5', '4'], ['1010.00', '1'], ['1021', '9']]);
    expect(book.depth('asks')).toBe(3);
  });

  it('ignores stale diffs and refuses gaps', () => {
    const book = loaded();
    expect(book.applyDiff(diff(5, 10, [['1001.46', '0']]))).toBe('stale');
    expect(book.best('bids')).toBe('1001.46');
    expect(book.applyDiff(diff(13, 14, [['1001.46', '0']]))).toBe('gap');
    expect(book.best('bids')).toBe('1001.46');
    expect(book.lastUpdateId).toBe(10);
  });

  it('accepts a diff overlapping the snapshot (U <= lastUpdateId+1 <= u)', () => {
    const book = loaded();
    expect(book.applyDiff(diff(8, 11, [], [['1010', '0']]))).toBe('applied');
    expect(book.best('asks')).toBe('1021');
    expect(book.lastUpdateId).toBe(11);
  });

  it('reports a gap before any snapshot, and reloads cleanly', () => {
    const book = new LocalOrderBook();
    expect(book.applyDiff(diff(1, 1, [['1', '1']]))).toBe('gap');
    book.loadSnapshot({ bids: [['5', '1']], asks: [], lastUpdateId: 3 });
    book.loadSnapshot({ bids: [], asks: [['6', '2']], lastUpdateId: 1 });
    expect(book.levels('bids', 5)).toEqual([]);
    expect(book.best('asks')).toBe('6');
    expect(book.lastUpdateId).toBe(1);
  });

  it('sorts prices by value, not text', () => {
    const book = new LocalOrderBook();
    book.loadSnapshot({ bids: [['99.99', '1'], ['100', '1'], ['1000', '1'], ['100.5', '1']], asks: [], lastUpdateId: 0 });
    expect(book.levels('bids', 10).map((l) => l.price)).toEqual(['1000', '100.5', '100', '99.99']);
  });

  it('counts the levels it knows down to a cut, through changes on both sides of it', () => {
    const book = new LocalOrderBook();
    book.loadSnapshot({ bids: [['100', '1'], ['99', '1'], ['98', '1']], asks: [['101', '1']], lastUpdateId: 1 }, 3);
    expect([book.trustedLevels('bids'), book.trustedLevels('asks')]).toEqual([3, null]);
    let id = 1;
    const step = (bids: [string, string][]) => {
      id++;
      book.applyDiff(diff(id, id, bids));
      expect(book.trustedLevels('bids')).toBe(book.levels('bids', 10_000).length);
    };
    step([['99.0', '2']]);                 // a known level changed (written differently): still 3
    step([['97', '5'], ['96', '1']]);      // beyond the cut: not known
    step([['100', '0'], ['99.5', '1']]);   // one gone, one new within
    step([['98', '0'], ['99.00', '0']]);
    step([['97', '0'], ['95', '0']]);      // gone beyond the cut, or never there
    expect(book.levels('bids', 10).map((l) => l.price)).toEqual(['99.5']);
    expect(book.trustedLevels('bids')).toBe(1);
  });
});
