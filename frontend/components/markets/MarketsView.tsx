'use client';
import { useMarkets } from '@/hooks/useMarkets';
import { StateMessage } from '@/components/ui/StateMessage';
import { MarketsTable } from './MarketsTable';

/** The home page: every market with its live 24h figures. */
export function MarketsView() {
  const { markets, error } = useMarkets();
  return (
    <div className="markets-page">
      <div className="markets-hero">
        <h1>Markets</h1>
        <p className="muted">Live prices, 24-hour change and volume. Pick a market to trade.</p>
      </div>
      <div className="panel markets-panel" data-testid="markets">
        {markets ? (
          markets.length > 0 ? <MarketsTable markets={markets} /> : <StateMessage kind="empty">No markets yet</StateMessage>
        ) : error ? (
          <StateMessage kind="error">{error} — retrying…</StateMessage>
        ) : (
          <StateMessage kind="loading">Loading markets…</StateMessage>
        )}
      </div>
    </div>
  );
}
