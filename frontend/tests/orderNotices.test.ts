import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import {
  cancelErrorNotice, closedNotice, closureNotices, depthTouchesMine, lostAnswerNotice, orderErrorText, outcomeUnknown, placedNotice, restingByLevel, vanishedOrders,
} from '@/lib/orderNotices';
import type { Market, OpenOrder, Order, PlacedOrder } from '@/lib/types';

const market: Market = {
  symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01',
  minQty: '0.01', minNotional: '1', priceBand: '0.1', baseAssetPrecision: 2, quoteAssetPrecision: 2,
};
const placed = (over: Partial<PlacedOrder>): PlacedOrder => ({ orderId: 'o1', status: 'NEW', executedQty: '0', remainingQty: '1', fills: [], ...over });
const open = (orderId: string, side: 'buy' | 'sell', price: string, quantity: string, filled = '0'): OpenOrder =>
  ({ orderId, clientOrderId: null, side, price, quantity, filled, remainingQty: null, time: null });
const order = (over: Partial<Order>): Order => ({
  orderId: 'abc', clientOrderId: null, market: 'TATA_INR', userId: '5', side: 'buy', type: 'limit', timeInForce: 'GTC', postOnly: false,
  price: '960', quantity: '1.5', executedQty: '0', executedQuoteQty: '0', remainingQty: '0', status: 'CANCELED', time: 0, ...over,
});

describe('order notices', () => {
  it('tells an IOC/FOK order that filled nothing apart from a fill', () => {
    expect(placedNotice(placed({ status: 'FILLED', executedQty: '2' }), 'buy', market, 'IOC'))
      .toEqual({ kind: 'success', title: 'Buy TATA: filled', detail: '2.00 TATA filled' });
    const ioc = placedNotice(placed({ status: 'EXPIRED' }), 'buy', market, 'IOC');
    expect(ioc.kind).toBe('warning');
    expect(ioc.title).toBe('Buy TATA: expired, nothing filled');
    const fok = placedNotice(placed({ status: 'EXPIRED' }), 'sell', market, 'FOK');
    expect([fok.kind, fok.title]).toEqual(['warning', 'Sell TATA: expired, nothing filled']);
    expect(fok.detail).toMatch(/^FOK: /);
    expect(placedNotice(placed({ status: 'EXPIRED', executedQty: '0.5' }), 'buy', market, 'IOC'))
      .toEqual({ kind: 'success', title: 'Buy TATA: partially filled', detail: '0.50 TATA filled, the rest expired' });
    expect(placedNotice(placed({ status: 'NEW' }), 'buy', market, 'GTC')).toMatchObject({ kind: 'success', title: 'Buy TATA: order placed' });
    expect(placedNotice(placed({ status: null }), 'buy', market, 'GTC').title).toBe('Buy TATA: order placed');
  });

  it('tells what became of an order whose answer was lost, or that it is unknown and where to look', () => {
    const m = { type: 'market' as const, timeInForce: 'IOC' as const, price: null, orderId: 'q1' };
    expect(lostAnswerNotice('buy', order({ ...m, status: 'FILLED', executedQty: '1.5' }), market)).toEqual({
      kind: 'success', title: 'Buy TATA: filled', detail: '1.50 TATA filled. Found after its answer was lost: order q1',
    });
    expect(lostAnswerNotice('sell', order({ ...m, side: 'sell', status: 'EXPIRED', executedQty: '0.5' }), market))
      .toMatchObject({ kind: 'success', title: 'Sell TATA: partially filled', detail: '0.50 TATA filled, the rest expired. Found after its answer was lost: order q1' });
    expect(lostAnswerNotice('buy', order({ ...m, status: 'EXPIRED' }), market)).toMatchObject({
      kind: 'warning', title: 'Buy TATA: expired, nothing filled',
      detail: 'IOC: nothing in the book to trade with within the price band (asks near the last price). Found after its answer was lost: order q1',
    });
    expect(lostAnswerNotice('buy', order({ status: 'NEW', orderId: 'r1', timeInForce: 'GTC' }), market))
      .toEqual({ kind: 'success', title: 'Buy TATA: order placed', detail: 'Open in the book. Found after its answer was lost: order r1' });
    // The exchange, reached again, has no such order: not placed, and said without the page's internal id.
    expect(lostAnswerNotice('buy', null, market)).toEqual({
      kind: 'info', title: 'Buy TATA: not placed',
      detail: 'The answer to placing it was lost, and the exchange, reached again, has no such order: it was not placed. You may place it again.',
    });
    expect(lostAnswerNotice('sell', null, market, false)).toEqual({
      kind: 'warning', title: 'Sell TATA: outcome unknown',
      detail: 'The answer to placing it was lost and the exchange could not be reached to look for it. Check Open orders and Order history before placing it again.',
    });
  });

  it('names an order the exchange closed on its own, with its final status', () => {
    expect(closedNotice(order({}), market)).toEqual({
      kind: 'warning', title: 'Buy 1.50 TATA at 960.00: canceled',
      detail: 'Not from this page: closed by the exchange or another session (nothing filled). Order abc',
    });
    expect(closedNotice(order({ status: 'EXPIRED', executedQty: '0.5', side: 'sell' }), market)?.detail).toMatch(/\(0\.50 filled, 1\.00 expired\)/);
    expect(closedNotice(order({ status: 'FILLED', executedQty: '1.5' }), market)).toBeNull();
    expect(closedNotice(order({ status: 'NEW' }), market)).toBeNull();
  });

  it('finds the open orders that left without a cancel from this page', () => {
    const before = [open('a', 'buy', '960', '1'), open('b', 'sell', '1020', '1'), open('c', 'buy', '950', '1')];
    expect(vanishedOrders(before, [before[0] as OpenOrder], new Set(['b']))).toEqual(['c']);
    expect(vanishedOrders(before, before, new Set())).toEqual([]);
  });

  it("sees a resting order of the user's leave the book in a depth update", () => {
    const mine = restingByLevel([open('a', 'buy', '960.00', '1.5', '0.5'), open('b', 'buy', '960', '2'), open('c', 'sell', '1020', '1')]);
    expect(mine.get('buy:960')).toBe('3');
    const diff = (bids: [string, string][], asks: [string, string][] = []) => ({ market: 'TATA_INR', firstId: 1, lastId: 1, bids, asks });
    expect(depthTouchesMine(diff([['960.00', '0']]), mine)).toBe(true);
    expect(depthTouchesMine(diff([['960', '2.99']]), mine)).toBe(true);
    expect(depthTouchesMine(diff([['960', '3']]), mine)).toBe(false);
    expect(depthTouchesMine(diff([['961', '0']]), mine)).toBe(false);
    expect(depthTouchesMine(diff([], [['1020', '0']]), mine)).toBe(true);
    expect(depthTouchesMine(diff([['1020', '0']]), mine)).toBe(false);
    expect(depthTouchesMine(diff([['960', '0']]), new Map())).toBe(false);
  });

  it('says in plain words that a new user has no funds yet', () => {
    const t = orderErrorText(new ApiError(404, 'UNKNOWN_USER', 'unknown user trader77'), 'unknown user trader77', { userId: 'trader77', spendAsset: 'INR' });
    expect(t.message).toBe('User trader77 has no funds yet. Deposit INR first (Balances → Deposit), then place the order.');
    expect(t.message).not.toMatch(/UNKNOWN_USER|unknown user/);
    expect([t.showCode, t.deposit]).toEqual([false, true]);
    expect(orderErrorText(new ApiError(422, 'INSUFFICIENT_FUNDS', 'insufficient funds'), 'insufficient funds', { userId: '5', spendAsset: 'INR' }))
      .toEqual({ message: 'insufficient funds', showCode: true, deposit: true, unknownOutcome: false });
    expect(orderErrorText(new Error('boom'), 'boom', { userId: '5', spendAsset: 'INR' })).toEqual({ message: 'boom', showCode: false, deposit: false, unknownOutcome: false });
  });

  it('says that an order without an answer, or answered 503, may have been placed', () => {
    const cases = [
      new ApiError(0, 'TIMEOUT', 'The exchange did not answer in time'),
      new ApiError(0, 'NETWORK', 'Cannot reach the exchange'),
      // The gateway's answer after --request-timeout-ms, while the order may still go through.
      new ApiError(503, 'UNAVAILABLE', 'the service did not answer in time'),
      new ApiError(503, 'HTTP_503', 'Service Unavailable'),
      // A proxy in front of the exchange that did not get its answer.
      new ApiError(502, 'HTTP_502', 'Bad Gateway'),
      new ApiError(504, 'HTTP_504', 'Gateway Timeout'),
    ];
    for (const err of cases) {
      expect(outcomeUnknown(err)).toBe(true);
      const t = orderErrorText(err, err.message, { userId: '5', spendAsset: 'INR' });
      expect(t.unknownOutcome).toBe(true);
      expect(t.deposit).toBe(false);
      expect(t.message).toBe(`${err.message}: the order may have been placed. Check Open orders before placing it again.`);
    }
    // Refusals: the exchange says it did not do it.
    for (const err of [new ApiError(400, 'PRICE_BAND', 'outside the band'), new ApiError(422, 'INSUFFICIENT_FUNDS', 'no'),
      new ApiError(429, 'RATE_LIMITED', 'slow down'), new ApiError(500, 'INTERNAL', 'oops'), new ApiError(404, 'UNKNOWN_ORDER', 'no order')]) {
      expect(outcomeUnknown(err)).toBe(false);
      expect(orderErrorText(err, err.message, { userId: '5', spendAsset: 'INR' }).unknownOutcome).toBe(false);
    }
    expect(outcomeUnknown(new Error('x'))).toBe(false);
  });

  it('does not call a cancel answered 503 or lost a failure', () => {
    const unavailable = new ApiError(503, 'UNAVAILABLE', 'the service did not answer in time');
    expect(cancelErrorNotice(unavailable, unavailable.message, false)).toEqual({
      kind: 'warning', title: 'Cancel: outcome unknown',
      detail: 'the service did not answer in time: the cancel may have gone through. Open orders are reloaded to show what is still open.',
    });
    expect(cancelErrorNotice(new ApiError(0, 'NETWORK', 'Cannot reach the exchange'), 'Cannot reach the exchange', true).title).toBe('Cancel all: outcome unknown');
    expect(cancelErrorNotice(new ApiError(404, 'UNKNOWN_ORDER', 'no such order'), 'no such order', false))
      .toEqual({ kind: 'error', title: 'Cancel failed', detail: 'no such order' });
  });

  it('says why a market order expired with its band, not "at its price"', () => {
    const limit = placedNotice(placed({ status: 'EXPIRED' }), 'buy', market, 'IOC', 'limit');
    expect(limit.detail).toBe('IOC: nothing in the book to trade with at its price');
    const mkt = placedNotice(placed({ status: 'EXPIRED' }), 'sell', market, 'IOC', 'market');
    expect(mkt.detail).toBe('IOC: nothing in the book to trade with within the price band (bids near the last price)');
    expect(mkt.detail).not.toMatch(/at its price/);
    expect(placedNotice(placed({ status: 'EXPIRED' }), 'buy', market, 'FOK', 'market').detail)
      .toBe('FOK: the book could not fill all of it at once within the price band');
    // Cancelled (self-trade prevention of the taker), not expired: no "nothing to trade with".
    expect(placedNotice(placed({ status: 'CANCELED' }), 'buy', market, 'IOC', 'market').detail).toBeUndefined();
  });

  it('attributes a cancel by self-trade prevention to the order from this page that crossed it', () => {
    const n = closedNotice(order({ side: 'sell', price: '101' }), market, 'selfTrade', 'buy');
    expect(n).toEqual({
      kind: 'warning', title: 'Sell 1.50 TATA at 101.00: canceled',
      detail: 'Canceled by self-trade prevention when your buy order from this page crossed it (nothing filled). Order abc',
    });
    expect(n?.detail).not.toMatch(/Not from this page/);
  });

  it('sums up many closures in one toast per cause', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ order: order({ orderId: `o${i}`, price: String(960 - i) }), cause: 'elsewhere' as const }));
    const [summary, ...rest] = closureNotices(many, market);
    expect(rest).toEqual([]);
    expect(summary?.title).toBe('12 orders closed by the exchange or another session');
    expect(summary?.detail).toBe('Not from this page: Buy 1.50 TATA at 960.00 (canceled); Buy 1.50 TATA at 959.00 (canceled); '
      + 'Buy 1.50 TATA at 958.00 (canceled); and 9 more. See Order history');
    // One alone is named in full; filled ones are no news; self-trade cancels apart.
    const filled = { order: order({ orderId: 'f', status: 'FILLED', executedQty: '1.5' }), cause: 'elsewhere' as const };
    const stp = [1, 2].map((i) => ({ order: order({ orderId: `s${i}`, side: 'sell' }), cause: 'selfTrade' as const, takerSide: 'buy' as const }));
    const notices = closureNotices([many[0]!, filled, ...stp], market);
    expect(notices.map((x) => x.title)).toEqual(['2 of your orders canceled by self-trade prevention', 'Buy 1.50 TATA at 960.00: canceled']);
    expect(notices[0]?.detail).toMatch(/^Your buy order from this page crossed them: Sell 1\.50 TATA at 960\.00 \(canceled\)/);
    expect(closureNotices([filled], market)).toEqual([]);
  });
});
