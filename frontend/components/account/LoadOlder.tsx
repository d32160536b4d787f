'use client';
import type { OlderPages } from '@/hooks/useOlderPages';

/**
 * The foot of a paged list (order history, fills): a button that loads the next older page, busy
 * while it loads, with the error of a failed try and a Retry. Gone at the end of the list.
 */
export function LoadOlder({ older, what }: { older: OlderPages; what: string }) {
  if (!older.more) return null;
  const state = older.loading ? 'loading' : older.error ? 'error' : 'idle';
  return (
    <div className="load-older" data-testid="load-older" data-state={state}>
      {older.error && !older.loading ? (
        <p className="load-older-error" role="alert" data-testid="load-older-error">Could not load older {what}: {older.error}</p>
      ) : null}
      <button type="button" className="load-older-btn" data-testid="load-older-button" disabled={older.loading}
        aria-busy={older.loading} onClick={older.load}>
        {older.loading ? <><span className="spinner" aria-hidden /> Loading…</> : older.error ? 'Retry' : `Load older ${what}`}
      </button>
    </div>
  );
}
