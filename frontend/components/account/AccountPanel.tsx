'use client';
import { useState } from 'react';
import { Tabs } from '@/components/ui/Tabs';
import { useAccount } from '@/hooks/useAccount';
import type { Market } from '@/lib/types';
import { BalancesTab } from './BalancesTab';
import { FillsTable } from './FillsTable';
import { OpenOrders } from './OpenOrders';
import { OrderHistory } from './OrderHistory';

type TabKey = 'open' | 'history' | 'fills' | 'balances';

/** The user's side of the market: open orders, order history, fills and balances. */
export function AccountPanel({ market }: { market: Market }) {
  const [tab, setTab] = useState<TabKey>('open');
  const { openOrders, fills, error } = useAccount();
  const count = (n: number | undefined) => (n ? ` (${n})` : '');
  return (
    <section className="panel account-panel area-account" data-testid="account">
      <header className="panel-head">
        <Tabs<TabKey>
          selected={tab}
          onSelect={setTab}
          items={[
            { key: 'open', label: `Open orders${count(openOrders?.length)}` },
            { key: 'history', label: 'Order history' },
            { key: 'fills', label: `Fills${count(fills.length)}` },
            { key: 'balances', label: 'Balances' },
          ]}
        />
        {error ? <span className="account-error" role="alert" title={error}>⚠ {error}</span> : null}
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
