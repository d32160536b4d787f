'use client';
import { useConnection } from '@/hooks/useConnection';
import type { UnsubscribedStream } from '@/lib/ws';

/**
 * Live / partly live / connecting / reconnecting indicator of the page's WebSocket. Connected is
 * not live while a stream the page wants is not subscribed (refused by the exchange, or past its
 * limit of streams per connection: lib/ws.ts): what it shows is not kept up to date then.
 */
export function ConnectionBadge() {
  const { state, attempt, unsubscribed } = useConnection();
  const partial = state === 'live' && unsubscribed.length > 0;
  const shown = partial ? 'partial' : state;
  const text = partial ? 'Partly live' : state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : `Reconnecting${attempt > 1 ? ` (${attempt})` : ''}…`;
  const title = partial ? partialTitle(unsubscribed)
    : state === 'live' ? 'Streaming live market data' : 'Connection to the exchange lost: retrying by itself';
  return (
    <span className={`conn conn-${shown}`} data-testid="connection" data-state={shown} title={title}
      data-unsubscribed={partial ? unsubscribed.map((u) => u.stream).join(' ') : undefined}>
      <span className="conn-dot" aria-hidden />
      {text}
    </span>
  );
}

function partialTitle(list: readonly UnsubscribedStream[]): string {
  const refused = list.filter((u) => u.reason === 'refused');
  const waiting = list.filter((u) => u.reason === 'waiting');
  const parts: string[] = [];
  if (refused.length > 0) {
    const first = refused[0] as UnsubscribedStream;
    parts.push(`The exchange refused ${names(refused)} (${first.code}: ${first.message}); asking again by itself.`);
  }
  if (waiting.length > 0) {
    const first = waiting[0] as UnsubscribedStream;
    parts.push(`${names(waiting)} ${waiting.length === 1 ? 'does' : 'do'} not fit the connection's limit (${first.message}); `
      + 'subscribed once room is freed.');
  }
  return `Not all data is live. ${parts.join(' ')}`;
}

/** "depth@TATA_INR", "depth@TATA_INR and ticker@INFY_INR", "3 streams (depth@TATA_INR, ...)". */
function names(list: readonly UnsubscribedStream[]): string {
  const streams = list.map((u) => u.stream);
  if (streams.length <= 2) return streams.join(' and ');
  return `${streams.length} streams (${streams.slice(0, 3).join(', ')}${streams.length > 3 ? ', …' : ''})`;
}
