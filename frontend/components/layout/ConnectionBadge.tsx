'use client';
import { useConnection } from '@/hooks/useConnection';

/** Live / connecting / reconnecting indicator of the page's WebSocket. */
export function ConnectionBadge() {
  const { state, attempt } = useConnection();
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : `Reconnecting${attempt > 1 ? ` (${attempt})` : ''}…`;
  return (
    <span className={`conn conn-${state}`} data-testid="connection" data-state={state}
      title={state === 'live' ? 'Streaming live market data' : 'Connection to the exchange lost: retrying by itself'}>
      <span className="conn-dot" aria-hidden />
      {text}
    </span>
  );
}
