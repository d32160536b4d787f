import { describe, expect, it } from 'vitest';
import { fillNotices, type RestingFill } from '@/lib/fillNotices';
import type { Market, OpenOrder } from '@/lib/types';

const market: Market = {
  symbol: 'TATA_INR', baseAsset: 'TATA', quoteAsset: 'INR', tickSize: '0.01', stepSize: '0.01',
  minQty: '0.01', minNotional: '1', priceBand: '0.1', baseAssetPrecision: 2, quoteAssetPrecision: 2,
};
const open = (orderId: string, side: 'buy' | 'sell', price: string, quantity: string, filled = '0'): OpenOrder =>
  ({ orderId, clientOrderId: null, side, price, quantity, filled, remainingQty: null, time: null });
const fill = (order: OpenOrder, tradeId: string, quantity: string, price = order.price): RestingFill =>
  ({ order, fill: { market: 'TATA_INR', tradeId, orderId: order.orderId, userId: '5', price, quantity, receivedAt: 0 } });

describe('fill notices', () => {
  it('tells a resting order filled in full, with its price', () => {
    const sell = open('s1', 'sell', '999.1', '0.3');
    expect(fillNotices([fill(sell, '7', '0.1'), fill(sell, '8', '0.2')], [], market)).toEqual([
      { kind: 'success', title: 'Sell 0.30 TATA filled at 999.10', detail: 'Order s1' },
    ]);
    // Partly filled before: the rest filled now fills it.
    const buy = open('b1', 'buy', '1000', '2', '1.5');
    expect(fillNotices([fill(buy, '9', '0.5')], [], market)[0]?.title).toBe('Buy 2.00 TATA filled at 1,000.00');
  });

  it('tells a partial fill, and what is still open', () => {
    const sell = open('s1', 'sell', '999.1', '1');
    const after = { ...sell, filled: '0.3', remainingQty: '0.7' };
    expect(fillNotices([fill(sell, '7', '0.3')], [after], market)).toEqual([
      { kind: 'success', title: 'Sell 0.30 of 1.00 TATA filled at 999.10', detail: 'Partially filled: 0.70 TATA still open. Order s1' },
    ]);
  });

  it('counts a fill once, however often it came', () => {
    const sell = open('s1', 'sell', '999.1', '1');
    const twice = fill(sell, '7', '0.3');
    expect(fillNotices([twice, twice], [{ ...sell, filled: '0.3' }], market)[0]?.title).toBe('Sell 0.30 of 1.00 TATA filled at 999.10');
  });

  it('gives a burst one summary, not a toast per order', () => {
    const orders = ['1', '2', '3', '4', '5'].map((i) => open(`s${i}`, 'sell', `100${i}`, '1'));
    const notices = fillNotices(orders.map((o, i) => fill(o, String(10 + i), '1')), [], market);
    expect(notices).toEqual([{
      kind: 'success', title: '5 of your orders filled',
      detail: 'Sell 1.00 TATA filled at 1,001.00; Sell 1.00 TATA filled at 1,002.00; Sell 1.00 TATA filled at 1,003.00; and 2 more. See Fills',
    }]);
    expect(fillNotices(orders.slice(0, 2).map((o, i) => fill(o, String(10 + i), '1')), [], market)).toHaveLength(2);
  });
});
