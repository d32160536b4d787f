import { describe, expect, it } from 'vitest';
import { mergeTrades } from '@/lib/trades';
import type { PublicTrade } from '@/lib/types';

const t = (id: number, time: number): PublicTrade => ({ id: String(id), price: '1', quantity: '1', isBuyerMaker: false, time });

describe('mergeTrades', () => {
  it('keeps newest first without duplicates, whatever the arrival order', () => {
    const rest = [t(3, 30), t(2, 20), t(1, 10)];
    const live = [t(4, 40), t(3, 30)];
    expect(mergeTrades(rest, live).map((x) => x.id)).toEqual(['4', '3', '2', '1']);
    expect(mergeTrades(live, rest).map((x) => x.id)).toEqual(['4', '3', '2', '1']);
  });

  it('orders trades of the same millisecond by id and bounds the list', () => {
    const same = [t(9, 5), t(10, 5), t(8, 5)];
    expect(mergeTrades([], same).map((x) => x.id)).toEqual(['10', '9', '8']);
    expect(mergeTrades([], same, 2).map((x) => x.id)).toEqual(['10', '9']);
  });
});
