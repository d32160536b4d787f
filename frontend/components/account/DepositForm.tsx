'use client';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useToast } from '@/components/ui/Toasts';
import { useAccount } from '@/hooks/useAccount';
import { useAssetPrecisions } from '@/hooks/useMarkets';
import { api, errorText } from '@/lib/api';
import { formatBalance } from '@/lib/assetPrecision';
import { checkDepositAmount, depositProblem } from '@/lib/depositForm';
import { toWireDecimal } from '@/lib/orderForm';
import { outcomeUnknown } from '@/lib/orderNotices';
import { depositRefusal, type RefusalText } from '@/lib/refusals';
import { SingleFlight } from '@/lib/singleFlight';
import type { Market } from '@/lib/types';

/** Deposit (on-ramp) of this market's quote or base asset for the current user. */
export function DepositForm({ market }: { market: Market }) {
  const { userId, refresh } = useAccount();
  const notify = useToast();
  const precisions = useAssetPrecisions();
  const [asset, setAsset] = useState(market.quoteAsset);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  // `unknown`: the deposit may have gone through (no answer, or a 503: lib/orderNotices.ts).
  // `detail`: the exchange's own text, when `text` says it in plain words.
  const [message, setMessage] = useState<{ ok: boolean; text: string; detail?: string; unknown?: boolean } | null>(null);
  const [flight] = useState(() => new SingleFlight());
  const amountId = useId();
  const amountErrorId = useId();
  const amountInput = useRef<HTMLInputElement>(null);
  // The last deposit's answer (a balance) is the previous user's once another is picked.
  useEffect(() => setMessage(null), [userId]);
  // The asset's decimals from /markets; null from an exchange that does not say (then it judges).
  const precision = precisions.get(asset) ?? null;
  // What is wrong with the amount typed, as it is typed (never corrected behind the user's back).
  const amountError = checkDepositAmount(amount, asset, precision);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (flight.busy) return;
    const problem = depositProblem(amount, asset, precision);
    if (problem) {
      if (problem.field) {
        // The field says it under itself already: take the user there rather than repeat it.
        setMessage(null);
        amountInput.current?.focus();
      } else {
        setMessage({ ok: false, text: problem.message });
      }
      return;
    }
    await flight.run(async () => {
      setBusy(true);
      // As the exchange reads it: ".5" -> "0.5", "5." -> "5" (the order form's rule, lib/orderForm.ts).
      const wire = toWireDecimal(amount);
      try {
        const balance = await api.deposit(userId, wire, asset);
        setMessage({ ok: true, text: `Deposited. Available ${asset}: ${formatBalance(balance, asset, precisions)}` });
        notify('success', `Deposited ${formatBalance(wire, asset, precisions)} ${asset}`);
        setAmount('');
      } catch (err) {
        // A deposit has no id to look it up by: the balance (reloaded below) is where it shows.
        setMessage(outcomeUnknown(err)
          ? { ok: false, unknown: true, text: `${errorText(err)}: the deposit may have gone through. Check your ${asset} balance before depositing again.` }
          : { ok: false, ...asMessage(depositRefusal(err, asset, wire)) });
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
        <label htmlFor={amountId} className="sr-only">Amount to deposit</label>
        <input id={amountId} ref={amountInput} className="deposit-amount" inputMode="decimal"
          placeholder="Amount" value={amount} data-testid="deposit-amount" aria-invalid={amountError ? true : undefined}
          aria-describedby={amountError ? amountErrorId : undefined} onChange={(e) => { setAmount(e.target.value); setMessage(null); }} />
        <button type="submit" className="btn" disabled={busy} data-testid="deposit-submit">{busy ? '…' : 'Deposit'}</button>
      </div>
      {amountError ? <span className="field-error" id={amountErrorId} data-testid="deposit-amount-error">{amountError}</span> : null}
      {message ? <p className={message.ok ? 'deposit-ok' : 'form-error'} role={message.ok ? 'status' : 'alert'} data-testid="deposit-message"
        data-unknown-outcome={message.unknown ? 'true' : undefined}>{message.text}
        {message.detail ? <span className="error-detail">{message.detail}</span> : null}</p> : null}
    </form>
  );
}

function asMessage(r: RefusalText): { text: string; detail?: string } {
  return { text: r.message, detail: r.detail };
}
