'use client';
import { useEffect, useRef, useState } from 'react';
import { Tabs } from '@/components/ui/Tabs';
import { useAccount } from '@/hooks/useAccount';
import { countLabel } from '@/lib/format';
import type { Market } from '@/lib/types';
import { BalancesTab } from './BalancesTab';
import { FillsTable } from './FillsTable';
import { OpenOrders } from './OpenOrders';
import { OrderHistory } from './OrderHistory';

type TabKey = 'open' | 'history' | 'fills' | 'balances';

/** The user's side of the market: open orders, order history, fills and balances. */
export function AccountPanel({ market }: { market: Market }) {
  const [tab, setTab] = useState<TabKey>('open');
  const { openOrders, history, balances, fills, fillsLoaded, olderFills, error, depositRequests } = useAccount();
  const panel = useRef<HTMLElement>(null);

  // "Deposit" asked elsewhere on the page (the order form's no-funds message): the deposit form,
  // its amount focused once it is shown.
  const seenRequests = useRef(depositRequests);
  const focusDeposit = useRef(false);
  useEffect(() => {
    if (depositRequests === seenRequests.current) return;
    seenRequests.current = depositRequests;
    focusDeposit.current = true;
    setTab('balances');
  }, [depositRequests]);
  useEffect(() => {
    if (tab !== 'balances' || !focusDeposit.current) return;
    focusDeposit.current = false;
    const input = panel.current?.querySelector<HTMLInputElement>('[data-testid=deposit-amount]');
    input?.scrollIntoView({ block: 'center' });
    input?.focus({ preventScroll: true });
  }, [tab, depositRequests]);

  // A tab that has nothing to show yet says why itself (AccountLoading); here the error is for a
  // tab showing what it loaded before, which may be out of date.
  const shown = { open: openOrders !== null, history: history !== null, fills: fillsLoaded || fills.length > 0, balances: balances !== null }[tab];

  return (
    <section className="panel account-panel area-account" data-testid="account" ref={panel}>
      <header className="panel-head">
        <Tabs<TabKey>
          selected={tab}
          onSelect={setTab}
          items={[
            { key: 'open', label: `Open orders${countLabel(openOrders?.length)}` },
            { key: 'history', label: 'Order history' },
            { key: 'fills', label: `Fills${countLabel(fills.length, olderFills.more)}` },
            { key: 'balances', label: 'Balances' },
          ]}
        />
        {error && shown ? <span className="account-error" role="alert" title={error}>⚠ {error}</span> : null}
      </header>
      <div className="panel-body account-body">
        {tab === 'open' ? <OpenOrders market={market} /> : null}
        {tab === 'history' ? <OrderHistory market={market} /> : null}
        {tab === 'fills' ? <FillsTable market={market} /> : null}
        {tab === 'balances' ? <BalancesTab market={market} /> : null}
      </div>
    </section>
  );
}
