'use client';
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { DecimalField } from '@/components/ui/DecimalField';
import { Tabs } from '@/components/ui/Tabs';
import { MarketAssets } from './MarketAssets';
import { useToast } from '@/components/ui/Toasts';
import { availableOf, useAccount } from '@/hooks/useAccount';
import { useMarketLimit, useMarketWalk, useQuoteWalk } from '@/hooks/useBookWalk';
import { useTicker } from '@/hooks/useTickers';
import { ApiError, api, errorText } from '@/lib/api';
import { formatAssetAmount } from '@/lib/assetPrecision';
import { describeWalk, ownLevels } from '@/lib/bookWalk';
import { decimalsOf, div, isPositive, mul } from '@/lib/decimal';
import { formatPrice, formatQty } from '@/lib/format';
import { checkDecimalText, effectiveTimeInForce, newClientOrderId, orderTotal, quantityForPercent, submitProblem, toNewOrder, type OrderFormValues } from '@/lib/orderForm';
import { orderErrorText, placedNotice } from '@/lib/orderNotices';
import { fundsShortfall } from '@/lib/refusals';
import { SingleFlight } from '@/lib/singleFlight';
import type { Dec, Market, OrderKind, Side, TimeInForce } from '@/lib/types';

/** A price chosen elsewhere (book row, trade): `at` makes picking the same price twice count. */
export interface PickedPrice {
  price: string;
  at: number;
}

const PERCENTS = [25, 50, 75, 100] as const;

interface Problem {
  message: string;
  /** The exchange's own text, when `message` says it in plain words. */
  detail?: string;
  code?: string;
  /** Show `code` next to the message. */
  showCode?: boolean;
  /** Offer the deposit form. */
  deposit?: boolean;
  /**
   * No answer came, or one that cannot tell (lib/orderNotices.ts `outcomeUnknown`: NETWORK,
   * TIMEOUT, 503): the order may have been placed. Kept until the trader acts (an edit, another
   * submit), even once the connection is back: that says nothing of the order.
   */
  unknownOutcome?: boolean;
  /** For `unknownOutcome`: the order's clientOrderId, by which its lookup settles it (useAccount `lostSettled`). */
  clientOrderId?: string;
}

const SIDE_KEY = 'exchange.side';

/**
 * The side chosen, kept for the tab (sessionStorage): switching markets, which mounts a new form,
 * keeps it. Read after mounting: the exported page is rendered without it.
 */
function useSide(): [Side, (side: Side) => void] {
  const [side, setSide] = useState<Side>('buy');
  useEffect(() => {
    try {
      const saved = window.sessionStorage.getItem(SIDE_KEY);
      if (saved === 'buy' || saved === 'sell') setSide(saved);
    } catch {
      // storage refused: buy, as on a first visit
    }
  }, []);
  const choose = (s: Side) => {
    setSide(s);
    try {
      window.sessionStorage.setItem(SIDE_KEY, s);
    } catch {
      // storage refused: kept for this form only
    }
  };
  return [side, choose];
}

/** Buy/sell, limit/market order entry with the market's tick and step enforced. */
export function OrderForm({ market, picked }: { market: Market; picked: PickedPrice | null }) {
  const { userId, balances, openOrders, refresh, rememberOrder, sending, answered, lostSettled, requestDeposit } = useAccount();
  const ticker = useTicker(market.symbol);
  const quoteWalk = useQuoteWalk(market);
  const marketLimit = useMarketLimit(market);
  const notify = useToast();
  const [side, setSide] = useSide();
  const [type, setType] = useState<OrderKind>('limit');
  const [price, setPrice] = useState('');
  const [quantity, setQuantity] = useState('');
  const [timeInForce, setTimeInForce] = useState<TimeInForce>('GTC');
  const [postOnly, setPostOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // One order on its way at a time, whatever submits the form (busy above is for the looks).
  const [flight] = useState(() => new SingleFlight());
  const priceInput = useRef<HTMLInputElement>(null);
  const quantityInput = useRef<HTMLInputElement>(null);

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
  // The lost order's lookup settled it (a toast says how): no longer "may have been placed".
  useEffect(() => {
    if (lostSettled !== null) setProblem((p) => (p?.clientOrderId === lostSettled ? null : p));
  }, [lostSettled]);

  const values: OrderFormValues = { side, type, price, quantity, timeInForce, postOnly };
  const spendAsset = side === 'buy' ? market.quoteAsset : market.baseAsset;
  const available = availableOf(balances, spendAsset);
  // What is wrong with the text typed, as it is typed (never corrected behind the trader's back).
  const priceError = type === 'limit' ? checkDecimalText(price, 'Price', market.tickSize) : null;
  const quantityError = checkDecimalText(quantity, 'Amount', market.stepSize);
  const total = type === 'limit' && !priceError && !quantityError ? orderTotal(price, quantity) : null;
  // The user's own orders on the side a market order takes from: self-trade prevention cancels
  // them rather than trading with them, so the estimate leaves them out.
  const own = useMemo(() => ownLevels(openOrders, side), [openOrders, side]);

  const fillPercent = (percent: number) => {
    if (available === null) return;
    let q: string | null;
    if (type === 'market' && side === 'buy') {
      // Spend the share of the balance on the asks as the book shows them, level by level.
      const quote = div(mul(available, String(percent)), '100', decimalsOf(market.tickSize) + decimalsOf(market.stepSize));
      const walk = quoteWalk(quote, lastPrice, own);
      q = walk && isPositive(walk.quantity) ? walk.quantity : null;
    } else {
      const limitPrice = type === 'limit' && !priceError ? price : null;
      q = quantityForPercent({ side, available, price: limitPrice, percent, stepSize: market.stepSize });
    }
    if (q) setQuantity(formatQty(q, market.stepSize));
  };

  // Enter in any field submits (a text field does by itself; a select or a checkbox does not).
  // requestSubmit() does not look at the disabled "Placing…" button: `submit` itself refuses
  // while an order is on its way.
  const enterSubmits = (e: KeyboardEvent<HTMLFormElement>) => {
    const t = e.target as HTMLElement;
    if (e.key !== 'Enter' || !(t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type === 'checkbox'))) return;
    e.preventDefault();
    e.currentTarget.requestSubmit();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (flight.busy) return; // an order is on its way: never a second one from a repeated Enter
    const invalid = submitProblem(values, market);
    if (invalid) {
      if (invalid.field) {
        // The field says it under itself already: take the trader there rather than repeat it.
        setProblem(null);
        (invalid.field === 'price' ? priceInput : quantityInput).current?.focus();
      } else {
        setProblem({ message: invalid.message });
      }
      return;
    }
    // Not sent when the balance shown cannot pay for it: the exchange would refuse it anyway. A
    // user with no balances at all is one the exchange does not know yet: its answer
    // (UNKNOWN_USER) says how to get started.
    const short = balances && balances.length > 0 ? fundsShortfall(values, market, available) : null;
    if (short) {
      setProblem({ message: short, deposit: true });
      return;
    }
    await flight.run(async () => {
      setBusy(true);
      try {
        await place();
      } finally {
        setBusy(false);
        void refresh();
      }
    });

    async function place() {
      // The clientOrderId recognises the order in the open orders if the answer is lost.
      const order = toNewOrder(values, market, userId, newClientOrderId());
      // How far it may reach however the book moves meanwhile: its price, or (a market order) its band.
      const token = sending({ ...order, limit: order.price ?? marketLimit(side, lastPrice) });
      try {
        const placed = await api.placeOrder(order);
        answered(token, placed);
        rememberOrder(placed.orderId, side);
        const notice = placedNotice(placed, side, market, order.timeInForce ?? (type === 'market' ? 'IOC' : 'GTC'), type);
        notify(notice.kind, notice.title, notice.detail);
        setProblem(null);
        setQuantity('');
      } catch (err) {
        const code = err instanceof ApiError ? err.code : undefined;
        // An unknown outcome is looked up by its clientOrderId (useAccount's LostOrderFinder).
        const text = orderErrorText(err, errorText(err), { userId, spendAsset, market });
        answered(token, text.unknownOutcome ? 'unknown' : 'refused');
        setProblem({ message: text.message, detail: text.detail, code, showCode: text.showCode, deposit: text.deposit, unknownOutcome: text.unknownOutcome,
          clientOrderId: text.unknownOutcome ? order.clientOrderId : undefined });
      }
    }
  };

  return (
    <form className="panel order-form area-form" data-testid="order-form" onSubmit={submit} onKeyDown={enterSubmits} noValidate>
      <div className="side-switch" role="group" aria-label="Side">
        <button type="button" className={`side-btn buy ${side === 'buy' ? 'on' : ''}`} aria-pressed={side === 'buy'} data-testid="side-buy" onClick={() => setSide('buy')}>Buy</button>
        <button type="button" className={`side-btn sell ${side === 'sell' ? 'on' : ''}`} aria-pressed={side === 'sell'} data-testid="side-sell" onClick={() => setSide('sell')}>Sell</button>
      </div>
      <Tabs items={[{ key: 'limit', label: 'Limit' }, { key: 'market', label: 'Market' }]} selected={type} onSelect={setType} className="order-types" />

      <div className="avbl">
        <span className="muted">Available</span>
        <span data-testid="available">{available === null ? '—' : formatAssetAmount(available, spendAsset, market)}</span>
      </div>

      {type === 'limit' ? (
        <DecimalField label="Price" value={price} onChange={setPrice} step={market.tickSize} suffix={market.quoteAsset}
          testId="order-price" stepFrom={lastPrice ?? undefined} placeholder="0.00" error={priceError} inputRef={priceInput} />
      ) : (
        <div className="field field-disabled"><span className="field-label">Price</span>
          <span className="field-box"><span className="field-input market-price">Market price</span><span className="field-suffix">{market.quoteAsset}</span></span></div>
      )}
      <DecimalField label="Amount" value={quantity} onChange={setQuantity} step={market.stepSize} suffix={market.baseAsset}
        testId="order-quantity" placeholder={`min ${market.minQty}`} error={quantityError} inputRef={quantityInput} />

      <div className="percents" role="group" aria-label="Share of available balance">
        {PERCENTS.map((p) => (
          <button key={p} type="button" className="percent" onClick={() => fillPercent(p)} disabled={available === null}>{p}%</button>
        ))}
      </div>

      {type === 'market' ? (
        <MarketEstimate market={market} side={side} quantity={quantity} lastPrice={lastPrice} own={own} />
      ) : (
        <div className="order-total">
          <span className="muted">Total</span>
          <span className="order-total-value" data-testid="order-total">{total === null ? '—' : formatAssetAmount(total, market.quoteAsset, market)}</span>
        </div>
      )}

      <div className="order-options">
        <label className="select-label">
          <span className="muted">Time in force</span>
          {/* What the order goes with: GTC while Post only is ticked (the pick is kept for after). */}
          <select value={effectiveTimeInForce(values)} disabled={type === 'limit' && postOnly}
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
        <div className="form-error" role="alert" data-testid="order-error" data-code={problem.code ?? ''}
          data-unknown-outcome={problem.unknownOutcome ? 'true' : undefined}>
          {problem.code && problem.showCode ? <span className="error-code">{problem.code}</span> : null}
          <span className="error-message">{problem.message}</span>
          {problem.detail ? <span className="error-detail" data-testid="order-error-detail">{problem.detail}</span> : null}
          {problem.deposit ? (
            <button type="button" className="link-btn error-action" data-testid="order-deposit" onClick={requestDeposit}>Deposit {spendAsset}</button>
          ) : null}
        </div>
      ) : null}
      <MarketAssets market={market} />
    </form>
  );
}

/**
 * A market order's estimated total, from the order book shown (the opposite side walked for the
 * amount, within the price band, without the user's own orders `own`), or why the book cannot
 * fill it. Re-rendered only when the estimate changes, not at every redraw of the book.
 */
function MarketEstimate({ market, side, quantity, lastPrice, own }: {
  market: Market; side: Side; quantity: string; lastPrice: string | null; own: ReadonlyMap<string, Dec>;
}) {
  const walk = useMarketWalk(market, side, quantity, lastPrice, own);
  return (
    <div className="order-total">
      <span className="muted">Estimated total</span>
      <span className={`order-total-value ${walk && !walk.complete ? 'order-total-short' : ''}`} data-testid="order-total"
        data-complete={walk ? String(walk.complete) : undefined} data-total={walk?.total}>
        {walk === null ? '—' : describeWalk(walk, side, market)}
      </span>
    </div>
  );
}
