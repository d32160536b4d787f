import { describe, expect, it } from 'vitest';
import { FILL_RULES, KEEP_FILLS, LOAD_FILLS, liveFill, storedFill } from '@/lib/fills';
import { addLive, addNewest, emptyList, mergeRows, type PagedList } from '@/lib/paging';
import type { AccountFill, Fill, UserFill } from '@/lib/types';

const stored = (tradeId: number, orderId = 'o1', time = tradeId * 1000): AccountFill => storedFill({
  market: 'TATA_INR', tradeId: String(tradeId), orderId, side: 'buy', price: '1000.10', quantity: '2', quoteQty: '2000.2', isMaker: false, time,
} satisfies Fill);
const live = (tradeId: number, orderId = 'o1', receivedAt = 99_000_000): AccountFill => liveFill({
  market: 'TATA_INR', tradeId: String(tradeId), orderId, userId: '5', price: '1000.10', quantity: '2', receivedAt,
} satisfies UserFill);
const keys = (fills: PagedList<AccountFill> | readonly AccountFill[]) =>
  ('rows' in fills ? fills.rows : fills).map((f) => `${f.tradeId}:${f.orderId}:${f.stored ? 's' : 'l'}`);
const empty = () => emptyList<AccountFill>(KEEP_FILLS);

describe('the Fills list (FILL_RULES)', () => {
  it('merges storage and the stream newest first, one row per trade and order', () => {
    // Loaded first, then the stream brings one already stored and two newer ones.
    let fills = addNewest(empty(), [stored(7), stored(5), stored(3)], LOAD_FILLS, FILL_RULES);
    fills = addLive(fills, [live(7)], FILL_RULES);
    fills = addLive(fills, [live(9), live(10)], FILL_RULES);
    expect(keys(fills)).toEqual(['10:o1:l', '9:o1:l', '7:o1:s', '5:o1:s', '3:o1:s']);
    // The stream first, storage after (its answer includes some of them): the stored rows win.
    let other = addLive(empty(), [live(10), live(9)], FILL_RULES);
    expect(other.loaded).toBe(false);
    other = addNewest(other, [stored(9), stored(7), stored(5), stored(3)], LOAD_FILLS, FILL_RULES);
    expect(keys(other)).toEqual(['10:o1:l', '9:o1:s', '7:o1:s', '5:o1:s', '3:o1:s']);
    expect(other.rows[1]).toMatchObject({ side: 'buy', time: 9000, price: '1000.10' });
    expect(other.rows[0]).toMatchObject({ side: null, time: 99_000_000 });
    expect(other.loaded).toBe(true);
  });

  it('orders by trade id, not by the clocks, and keeps both orders of one trade', () => {
    // The page's clock behind the exchange's: a stream fill's time is older than stored ones.
    const fills = mergeRows([stored(99, 'o1', 5_000_000), stored(100, 'a', 6_000_000)], [live(101, 'b', 1), live(100, 'b', 1)], FILL_RULES);
    expect(keys(fills)).toEqual(['101:b:l', '100:b:l', '100:a:s', '99:o1:s']);
    // Ids as integers, not text ("10" after "9").
    expect(keys(mergeRows([], [stored(9), stored(10), stored(100)], FILL_RULES))).toEqual(['100:o1:s', '10:o1:s', '9:o1:s']);
  });

  it('returns the same list when nothing is new, and bounds it', () => {
    const fills = addNewest(empty(), [stored(2), stored(1)], LOAD_FILLS, FILL_RULES);
    expect(addLive(fills, [live(2), live(1)], FILL_RULES)).toBe(fills);
    expect(addNewest(fills, [stored(2), stored(1)], LOAD_FILLS, FILL_RULES)).toBe(fills);
    const many = addLive(empty(), Array.from({ length: KEEP_FILLS + 20 }, (_, i) => live(i + 1)), FILL_RULES);
    expect(many.rows.length).toBe(KEEP_FILLS);
    expect(many.rows[0]?.tradeId).toBe(String(KEEP_FILLS + 20));
  });
});
