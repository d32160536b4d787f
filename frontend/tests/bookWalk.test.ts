import { describe, expect, it } from 'vitest';
import { bandLimit, bandReference, describeWalk, ownLevels, walkForQuantity, walkForQuote, withoutOwn } from '@/lib/bookWalk';
import { LocalOrderBook } from '@/lib/orderbook';

const asks = [{ price: '1005', quantity: '2' }, { price: '1006', quantity: '1' }, { price: '1010', quantity: '5' }];
const bids = [{ price: '995', quantity: '2' }, { price: '994', quantity: '2.5' }];
const market = { baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01', baseAssetPrecision: 2, quoteAssetPrecision: 2 };

describe('walking the book for a market order', () => {
  it('fills level by level at the resting prices', () => {
    expect(walkForQuantity(asks, 'buy', '3')).toEqual({ quantity: '3', total: '3016', complete: true, worstPrice: '1006', banded: false, cut: false });
    expect(walkForQuantity(asks, 'buy', '1.5')).toMatchObject({ total: '1507.5', complete: true, worstPrice: '1005' });
    expect(walkForQuantity(bids, 'sell', '3')).toMatchObject({ quantity: '3', total: '2984', complete: true });
  });

  it('says how much the book can fill when it is too thin', () => {
    expect(walkForQuantity(bids, 'sell', '10')).toEqual({ quantity: '4.5', total: '4475', complete: false, worstPrice: '994', banded: false, cut: false });
    expect(walkForQuantity([], 'buy', '1')).toEqual({ quantity: '0', total: '0', complete: false, worstPrice: null, banded: false, cut: false });
  });

  it('stops at the price band around the last price, as the exchange does', () => {
    expect(bandLimit('buy', '1000', '0.005', '0.01')).toBe('1005');
    expect(bandLimit('sell', '1000', '0.1', '0.01')).toBe('900');
    expect(bandLimit('buy', '1003.33', '0.001', '0.01')).toBe('1004.33'); // 1.00333 truncated to the tick
    expect(bandLimit('sell', '5', '0.9', '1')).toBe('1');
    expect(bandLimit('buy', null, '0.1', '0.01')).toBeNull();
    expect(walkForQuantity(asks, 'buy', '3', '1005')).toEqual({ quantity: '2', total: '2010', complete: false, worstPrice: '1005', banded: true, cut: false });
    expect(walkForQuantity(asks, 'buy', '2', '1005')).toMatchObject({ complete: true, banded: false });
  });

  it('spends a quote amount (a percentage of the balance) in whole steps', () => {
    // 2 @ 1005 = 2010, then 990 left buys 0.98 @ 1006 (985.88).
    expect(walkForQuote(asks, '3000', '0.01')).toEqual({ quantity: '2.98', total: '2995.88', complete: true, worstPrice: '1006', banded: false, cut: false });
    expect(walkForQuote(asks, '2010', '0.01')).toMatchObject({ quantity: '2', total: '2010', complete: true });
    expect(walkForQuote(asks, '100000', '1')).toMatchObject({ quantity: '8', total: '8066', complete: false });
    expect(walkForQuote(asks, '100000', '1', '1006')).toMatchObject({ quantity: '3', complete: false, banded: true });
    expect(walkForQuote(asks, '1000', '1')).toMatchObject({ quantity: '0', complete: true });
  });

  it('walks the local book best level first', () => {
    const book = new LocalOrderBook();
    book.loadSnapshot({ bids: [['994', '2.5'], ['995', '2']], asks: [['1010', '5'], ['1005', '2'], ['1006', '1']], lastUpdateId: 1 });
    expect(walkForQuantity(book.levelsBestFirst('asks'), 'buy', '3').total).toBe('3016');
    expect(walkForQuantity(book.levelsBestFirst('bids'), 'sell', '3').total).toBe('2984');
  });

  it('claims nothing past the levels the book holds when its snapshot was cut at the limit asked', () => {
    // The exchange sent its best 3 asks, as asked: it may hold more beyond 1010. A diff later
    // brought a level at 1020 (changed there); levels between 1010 and 1020 are not known.
    const book = new LocalOrderBook();
    book.loadSnapshot({ bids: [['995', '2']], asks: [['1005', '2'], ['1006', '1'], ['1010', '5']], lastUpdateId: 1 }, 3);
    book.applyDiff({ market: 'M', firstId: 2, lastId: 2, bids: [], asks: [['1020', '4']] });
    expect(book.cutAt('asks')).toBe('1010');
    expect(book.cutAt('bids')).toBeNull(); // fewer bids than asked: all of them
    expect(book.levelsBestFirst('asks').map((l) => l.price)).toEqual(['1005', '1006', '1010']);
    expect(book.levels('asks', 10).map((l) => l.price)).toEqual(['1005', '1006', '1010']);
    const walk = walkForQuantity(book.levelsBestFirst('asks'), 'buy', '10', '1100', book.cutAt('asks') !== null);
    expect(walk).toEqual({ quantity: '8', total: '8066', complete: false, worstPrice: '1010', banded: false, cut: true });
    expect(describeWalk(walk, 'buy', market)).toBe('Beyond the book shown: its asks fill 8.00 TATA (≈ 8,066.00 INR), the rest is not known');
    // Within what it holds, the estimate stands; the band reached before its end is said as before.
    expect(walkForQuantity(book.levelsBestFirst('asks'), 'buy', '3', '1100', true)).toMatchObject({ complete: true, total: '3016' });
    expect(walkForQuantity(book.levelsBestFirst('asks'), 'buy', '10', '1006', true)).toMatchObject({ banded: true, cut: false });
    expect(walkForQuote(book.levelsBestFirst('asks'), '100000', '1', null, true)).toMatchObject({ quantity: '8', complete: false, cut: true });
    // A new snapshot with fewer levels than asked is the whole side.
    book.loadSnapshot({ bids: [], asks: [['1005', '2']], lastUpdateId: 5 }, 3);
    expect(book.cutAt('asks')).toBeNull();
  });

  it('describes the estimate for the form', () => {
    expect(describeWalk(walkForQuantity(asks, 'buy', '3'), 'buy', market)).toBe('≈ 3,016.00 INR');
    expect(describeWalk(walkForQuantity(bids, 'sell', '10'), 'sell', market)).toBe('The book can fill only 4.50 TATA (≈ 4,475.00 INR)');
    expect(describeWalk(walkForQuantity([], 'buy', '1'), 'buy', market)).toBe('The book cannot fill it: no asks');
    expect(describeWalk(walkForQuantity(asks, 'buy', '1', '1000'), 'buy', market)).toBe('The book cannot fill it: no asks within the price band');
  });

  it("gives the total at the quote asset's precision, or the tick's from an exchange that does not say", () => {
    const walk = walkForQuantity(asks, 'buy', '3');
    expect(describeWalk(walk, 'buy', { ...market, quoteAssetPrecision: 4 })).toBe('≈ 3,016.0000 INR');
    expect(describeWalk(walk, 'buy', { ...market, quoteAssetPrecision: 0 })).toBe('≈ 3,016 INR');
    expect(describeWalk(walk, 'buy', { ...market, quoteAssetPrecision: null, tickSize: '0.5' })).toBe('≈ 3,016.0 INR');
    // A total finer than the precision keeps its digits: 0.5 x 1005.01.
    expect(describeWalk(walkForQuantity([{ price: '1005.01', quantity: '1' }], 'buy', '0.5'), 'buy', { ...market, quoteAssetPrecision: 0 }))
      .toBe('≈ 502.505 INR');
  });
});

describe('the band before the first trade, and the user\'s own orders', () => {
  it('measures the band from the best opposite price when the market has not traded', () => {
    // order_book.cpp band_limit: the last price, or (0) the best price on the other side.
    expect(bandReference('0', '100')).toBe('100');
    expect(bandReference(null, '100')).toBe('100');
    expect(bandReference('98', '100')).toBe('98');
    expect(bandReference('0', null)).toBeNull();
    expect(bandLimit('buy', '0', '0.1', '0.01', '100')).toBe('110');
    expect(bandLimit('sell', '0', '0.1', '0.01', '95')).toBe('85.5');
    expect(bandLimit('buy', '0', '0.1', '0.01', null)).toBeNull();
    // Asks 2 @ 100, 2 @ 105, 5 @ 115: a buy of 10 on a market with no trades stops at 110.
    const fresh = [{ price: '100', quantity: '2' }, { price: '105', quantity: '2' }, { price: '115', quantity: '5' }];
    expect(walkForQuantity(fresh, 'buy', '10', bandLimit('buy', '0', '0.1', '0.01', '100')))
      .toEqual({ quantity: '4', total: '410', complete: false, worstPrice: '105', banded: true, cut: false });
    expect(walkForQuote(fresh, '1000', '0.01', bandLimit('buy', '0', '0.1', '0.01', '100')))
      .toMatchObject({ quantity: '4', total: '410', complete: false, banded: true });
  });

  it("leaves the user's own resting orders out of the walk (self-trade prevention cancels them)", () => {
    const orders = [
      { side: 'sell' as const, price: '1005.00', quantity: '1.5', filled: '0.5', remainingQty: null },
      { side: 'sell' as const, price: '1006', quantity: '1', filled: '0', remainingQty: '1' },
      { side: 'buy' as const, price: '995', quantity: '9', filled: '0', remainingQty: '9' },
    ];
    const own = ownLevels(orders, 'buy');
    expect([...own]).toEqual([['1005', '1'], ['1006', '1']]);
    expect([...withoutOwn(asks, own)]).toEqual([{ price: '1005', quantity: '1' }, { price: '1010', quantity: '5' }]);
    expect(walkForQuantity(withoutOwn(asks, own), 'buy', '3')).toMatchObject({ quantity: '3', total: '3025', worstPrice: '1010' });
    // A sell walks the bids, less the user's own bids.
    expect(walkForQuantity(withoutOwn(bids, ownLevels(orders, 'sell')), 'sell', '1')).toMatchObject({ total: '994' }); // 995 is all theirs
    expect([...withoutOwn(bids, ownLevels([{ side: 'buy', price: '995', quantity: '5', filled: '0', remainingQty: null }], 'sell'))])
      .toEqual([{ price: '994', quantity: '2.5' }]);
    expect(walkForQuote(withoutOwn(asks, own), '2000', '0.01')).toMatchObject({ quantity: '1.98', total: '1994.8' });
    expect(ownLevels(null, 'buy').size).toBe(0);
  });
});
