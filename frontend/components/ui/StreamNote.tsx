'use client';
import type { UnsubscribedStream } from '@/lib/ws';

/**
 * "Not live" in a panel's header while the panel's stream is not subscribed (useStreamProblem):
 * what the panel shows is its last REST load, no longer kept up to date; the title says why.
 */
export function StreamNote({ problem, testId }: { problem: UnsubscribedStream; testId: string }) {
  const why = problem.reason === 'refused'
    ? `The exchange refused its stream (${problem.code}: ${problem.message}); asking again by itself.`
    : `Its stream does not fit the connection's limit (${problem.message}); subscribed once room is freed.`;
  return (
    <span className="sync sync-not-live" data-testid={testId} data-state="not-live" data-code={problem.code}
      title={`Not live: shown as last loaded. ${why}`}>
      not live
    </span>
  );
}
