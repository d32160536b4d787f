'use client';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { DecimalField } from '@/components/ui/DecimalField';
import { Tabs } from '@/components/ui/Tabs';
import { MarketAssets } from './MarketAssets';
import { useToast } from '@/components/ui/Toasts';
import { availableOf, useAccount } from '@/hooks/useAccount';
import { useTicker } from '@/hooks/useTickers';
import { ApiError, api, errorText } from '@/lib/api';
import { decimalsOf } from '@/lib/decimal';
import { formatAmount, formatPrice, formatQty } from '@/lib/format';
import { orderTotal, quantityForPercent, toNewOrder, validateOrder, type OrderFormValues } from '@/lib/orderForm';
import type { Market, OrderKind, PlacedOrder, Side, TimeInForce } from '@/lib/types';

/** A price chosen elsewhere (book row, trade): `at` makes picking the same price twice count. */
export interface PickedPrice {
  price: string;
  at: number;
}

const PERCENTS = [25, 50, 75, 100] as const;

interface Problem {
  message: string;
  code?: string;
}

/** Buy/sell, limit/market order entry with the market's tick and step enforced. */
export function OrderForm({ market, picked }: { market: Market; picked: PickedPrice | null }) {
  const { userId, balances, refresh, rememberOrder } = useAccount();
  const ticker = useTicker(market.symbol);
  const notify = useToast();
  const [side, setSide] = useState<Side>('buy');
  const [type, setType] = useState<OrderKind>('limit');
  const [price, setPrice] = useState('');
  const [quantity, setQuantity] = useState('');
  const [timeInForce, setTimeInForce] = useState<TimeInForce>('GTC');
  const [postOnly, setPostOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const lastPrice = ticker?.lastPrice ?? null;
  // Start from the last price, as exchanges do, until the user types one.
  const prefilled = useRef(false);
  useEffect(() => {
    if (prefilled.current || !lastPrice) return;
    prefilled.current = true;
    setPrice((p) => (p === '' ? formatPrice(lastPrice, market.tickSize) : p));
  }, [lastPrice, market.tickSize]);
  useEffect(() => {
    if (!picked) return;
    setType('limit');
    setPrice(formatPrice(picked.price, market.tickSize));
  }, [picked, market.tickSize]);
  useEffect(() => setProblem(null), [side, type, price, quantity, timeInForce, postOnly, userId]);

  const values: OrderFormValues = { side, type, price, quantity, timeInForce, postOnly };
  const spendAsset = side === 'buy' ? market.quoteAsset : market.baseAsset;
  const available = availableOf(balances, spendAsset);
  const pricedAt = type === 'limit' ? price : lastPrice ?? '';
  const total = orderTotal(pricedAt, quantity);

  const fillPercent = (percent: number) => {
    if (available === null) return;
    const q = quantityForPercent({ side, available, price: pricedAt || null, percent, stepSize: market.stepSize });
    if (q) setQuantity(formatQty(q, market.stepSize));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const invalid = validateOrder(values, market);
    if (invalid) {
      setProblem({ message: invalid });
      return;
    }
    setBusy(true);
    try {
      const placed = await api.placeOrder(toNewOrder(values, market, userId));
      rememberOrder(placed.orderId, side);
      notify('success', placedTitle(placed, side, market), `${formatQty(placed.executedQty, market.stepSize)} ${market.baseAsset} filled`);
      setQuantity('');
    } catch (err) {
      setProblem({ message: errorText(err), code: err instanceof ApiError ? err.code : undefined });
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  return (
    <form className="panel order-form area-form" data-testid="order-form" onSubmit={submit} noValidate>
      <div className="side-switch" role="group" aria-label="Side">
        <button type="button" className={`side-btn buy ${side === 'buy' ? 'on' : ''}`} data-testid="side-buy" onClick={() => setSide('buy')}>Buy</button>
        <button type="button" className={`side-btn sell ${side === 'sell' ? 'on' : ''}`} data-testid="side-sell" onClick={() => setSide('sell')}>Sell</button>
      </div>
      <Tabs items={[{ key: 'limit', label: 'Limit' }, { key: 'market', label: 'Market' }]} selected={type} onSelect={setType} className="order-types" />

      <div className="avbl">
        <span className="muted">Available</span>
        <span data-testid="available">{available === null ? '—' : `${formatAmount(available, decimalsOf(side === 'buy' ? market.tickSize : market.stepSize))} ${spendAsset}`}</span>
      </div>

      {type === 'limit' ? (
        <DecimalField label="Price" value={price} onChange={setPrice} step={market.tickSize} suffix={market.quoteAsset}
          testId="order-price" stepFrom={lastPrice ?? undefined} placeholder="0.00" />
      ) : (
        <div className="field field-disabled"><span className="field-label">Price</span>
          <span className="field-box"><span className="field-input market-price">Market price</span><span className="field-suffix">{market.quoteAsset}</span></span></div>
      )}
      <DecimalField label="Amount" value={quantity} onChange={setQuantity} step={market.stepSize} suffix={market.baseAsset}
        testId="order-quantity" placeholder={`min ${market.minQty}`} />

      <div className="percents" role="group" aria-label="Share of available balance">
        {PERCENTS.map((p) => (
          <button key={p} type="button" className="percent" onClick={() => fillPercent(p)} disabled={available === null}>{p}%</button>
        ))}
      </div>

      <div className="order-total">
        <span className="muted">{type === 'market' ? 'Estimated total' : 'Total'}</span>
        <span data-testid="order-total">{total === null ? '—' : `${type === 'market' ? '≈ ' : ''}${formatAmount(total, decimalsOf(market.tickSize))} ${market.quoteAsset}`}</span>
      </div>

      <div className="order-options">
        <label className="select-label">
          <span className="muted">Time in force</span>
          <select value={type === 'market' && timeInForce === 'GTC' ? 'IOC' : timeInForce} disabled={type === 'limit' && postOnly}
            data-testid="order-tif" onChange={(e) => setTimeInForce(e.target.value as TimeInForce)}>
            {type === 'limit' ? <option value="GTC">GTC</option> : null}
            <option value="IOC">IOC</option>
            <option value="FOK">FOK</option>
          </select>
        </label>
        {type === 'limit' ? (
          <label className="check">
            <input type="checkbox" checked={postOnly} data-testid="order-postonly" onChange={(e) => setPostOnly(e.target.checked)} />
            Post only
          </label>
        ) : null}
      </div>

      <button type="submit" className={`submit ${side}`} disabled={busy} data-testid="order-submit">
        {busy ? 'Placing…' : `${side === 'buy' ? 'Buy' : 'Sell'} ${market.baseAsset}`}
      </button>

      {problem ? (
        <div className="form-error" role="alert" data-testid="order-error" data-code={problem.code ?? ''}>
          {problem.code ? <span className="error-code">{problem.code}</span> : null}
          <span className="error-message">{problem.message}</span>
        </div>
      ) : null}
      <MarketAssets market={market} />
    </form>
  );
}

function placedTitle(placed: PlacedOrder, side: Side, market: Market): string {
  const what = `${side === 'buy' ? 'Buy' : 'Sell'} ${market.baseAsset}`;
  switch (placed.status) {
    case 'FILLED': return `${what}: filled`;
    case 'PARTIALLY_FILLED': return `${what}: partially filled`;
    case 'CANCELED':
    case 'EXPIRED': return `${what}: ${placed.status.toLowerCase()}`;
    default: return `${what}: order placed`;
  }
}
