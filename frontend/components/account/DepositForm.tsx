'use client';
import { useEffect, useState, type FormEvent } from 'react';
import { useToast } from '@/components/ui/Toasts';
import { useAccount } from '@/hooks/useAccount';
import { api, errorText } from '@/lib/api';
import { isPositive } from '@/lib/decimal';
import { formatAmount } from '@/lib/format';
import { checkPlainDecimal, isPlainDecimal, toWireDecimal } from '@/lib/orderForm';
import { SingleFlight } from '@/lib/singleFlight';
import type { Market } from '@/lib/types';

/** Deposit (on-ramp) of this market's quote or base asset for the current user. */
export function DepositForm({ market }: { market: Market }) {
  const { userId, refresh } = useAccount();
  const notify = useToast();
  const [asset, setAsset] = useState(market.quoteAsset);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [flight] = useState(() => new SingleFlight());
  // The last deposit's answer (a balance) is the previous user's once another is picked.
  useEffect(() => setMessage(null), [userId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (flight.busy) return;
    const bad = checkPlainDecimal(amount, 'Amount');
    if (bad || !isPlainDecimal(amount) || !isPositive(amount)) {
      setMessage({ ok: false, text: bad ?? 'Enter an amount to deposit' });
      return;
    }
    await flight.run(async () => {
      setBusy(true);
      // As the exchange reads it: ".5" -> "0.5", "5." -> "5" (the order form's rule, lib/orderForm.ts).
      const wire = toWireDecimal(amount);
      try {
        const balance = await api.deposit(userId, wire, asset);
        setMessage({ ok: true, text: `Deposited. Available ${asset}: ${formatAmount(balance)}` });
        notify('success', `Deposited ${formatAmount(wire)} ${asset}`);
        setAmount('');
      } catch (err) {
        setMessage({ ok: false, text: errorText(err) });
      } finally {
        setBusy(false);
        void refresh();
      }
    });
  };

  return (
    <form className="deposit" onSubmit={submit} data-testid="deposit-form">
      <h3 className="deposit-title">Deposit</h3>
      <div className="deposit-row">
        <select value={asset} onChange={(e) => setAsset(e.target.value)} aria-label="Asset" data-testid="deposit-asset">
          <option value={market.quoteAsset}>{market.quoteAsset}</option>
          <option value={market.baseAsset}>{market.baseAsset}</option>
        </select>
        <input className="deposit-amount" inputMode="decimal" placeholder="Amount" value={amount} data-testid="deposit-amount"
          onChange={(e) => { setAmount(e.target.value); setMessage(null); }} />
        <button type="submit" className="btn" disabled={busy} data-testid="deposit-submit">{busy ? '…' : 'Deposit'}</button>
      </div>
      {message ? <p className={message.ok ? 'deposit-ok' : 'form-error'} role={message.ok ? 'status' : 'alert'} data-testid="deposit-message">{message.text}</p> : null}
    </form>
  );
}
